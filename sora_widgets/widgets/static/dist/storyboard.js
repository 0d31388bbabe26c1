// sora_widgets/widgets/static/_dom.js
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
function bufferBytes(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
var uidCounter = 0;
function uid(prefix) {
  return `${prefix}-${++uidCounter}-${Math.random().toString(36).slice(2, 7)}`;
}
function listen(node, type, fn, options) {
  node.addEventListener(type, fn, options);
  return () => node.removeEventListener(type, fn, options);
}
function fillSelect(select, options, value) {
  const key = JSON.stringify(options);
  if (select.dataset.options !== key) {
    select.replaceChildren(...options.map(([v, text]) => h("option", { value: String(v), text })));
    select.dataset.options = key;
  }
  if (activeIn(select) !== select) select.value = String(value);
}
function isCtrlEnter(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}
function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}
function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}
function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// sora_widgets/widgets/static/storyboard_edits.js
var EDIT_DELAY_MS = 350;
function post(sb, msg) {
  sb.seq += 1;
  sb.send({ ...msg, view: sb.viewId, ack: sb.seq });
  return sb.seq;
}
function flush(sb, index) {
  clearTimeout(sb.pending.get(index));
  sb.pending.delete(index);
  if (sb.pendingValue.has(index)) {
    const n = post(sb, { type: "edit", index, field: "prompt", value: sb.pendingValue.get(index) });
    sb.unconfirmed.set(index, n);
    sb.pendingValue.delete(index);
  }
}
function acknowledged(sb, msg) {
  const n = Number(msg.ack) || 0;
  for (const [index, sent] of sb.unconfirmed) if (sent <= n) sb.unconfirmed.delete(index);
  const draft = [sb.draft, ...sb.arriving].find((d) => d && d.sent && d.seq === n);
  if (draft && !msg.ok) refuseDraft(sb, draft);
  else if (draft && Number.isInteger(msg.index)) {
    draft.index = msg.index;
    draft.placed = true;
  }
}
function refuseDraft(sb, draft) {
  draft.sent = false;
  for (const later of [...sb.arriving, sb.draft]) {
    if (later && later.sent && !later.placed && later.index > draft.index) later.index -= 1;
  }
  sb.arriving = sb.arriving.filter((d) => d !== draft);
  draft.hint.textContent = "Not added (see the message below): edit it to send it again, or Cancel";
  draft.card.classList.add("sw-sb-refused");
  if (sb.draft !== draft) sb.refused.push(draft);
}
function reopen(sb, draft) {
  if (!sb.refused.includes(draft)) return false;
  sb.refused = sb.refused.filter((d) => d !== draft);
  const open = sb.draft;
  if (open && !open.sent && !open.prompt.value.trim()) open.card.remove();
  else if (open) {
    sendDraft(sb);
    if (open.sent) sb.arriving.push(open);
  }
  sb.draft = draft;
  return true;
}
function flushAll(sb) {
  [...sb.pendingValue.keys()].forEach((index) => flush(sb, index));
  sendDraft(sb);
}
function editSoon(sb, index, value) {
  sb.pendingValue.set(index, value);
  clearTimeout(sb.pending.get(index));
  sb.pending.set(index, setTimeout(() => flush(sb, index), EDIT_DELAY_MS));
}
function startRun(sb) {
  flushAll(sb);
  sb.send({ type: "run" });
}
function runOnCtrlEnter(sb) {
  return (event) => {
    if (isCtrlEnter(event)) {
      event.preventDefault();
      event.stopPropagation();
      startRun(sb);
    }
  };
}
function openDraft(sb) {
  flushAll(sb);
  if (sb.draft && !sb.draft.sent) {
    sb.draft.prompt.focus();
    return;
  }
  if (sb.draft) sb.arriving.push(sb.draft);
  sb.draft = null;
  const n = sb.model.get("shots").length + sb.arriving.length + 1;
  const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", placeholder: "Describe the next shot", "aria-label": `Prompt of shot ${n}` });
  const cancel = h("button", { class: "sw-btn", type: "button", text: "Cancel" });
  const hint = h("span", { class: "sw-sb-card-price sw-muted", text: "Type the prompt to add this shot" });
  const card = h("li", { class: "sw-sb-card sw-sb-draft" }, [
    h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` }),
    prompt,
    h("div", { class: "sw-sb-tools" }, [hint, cancel])
  ]);
  const draft = { card, prompt, hint, sent: false, index: n - 1, seq: 0, sentText: "", placed: false };
  sb.draft = draft;
  const open = () => sb.draft?.prompt === prompt;
  sb.on(prompt, "input", () => {
    if (!open() && !reopen(sb, draft)) return;
    clearTimeout(sb.draftTimer);
    sb.draftTimer = setTimeout(() => sendDraft(sb), EDIT_DELAY_MS);
  });
  sb.on(prompt, "change", () => open() && sendDraft(sb));
  sb.on(prompt, "keydown", runOnCtrlEnter(sb));
  sb.on(cancel, "click", () => {
    if (open()) closeDraft(sb);
    else card.remove();
    sb.refused = sb.refused.filter((d) => d !== draft);
    sb.ui.add.focus();
  });
  sb.ui.list.append(card);
  prompt.focus();
}
function sendDraft(sb) {
  clearTimeout(sb.draftTimer);
  if (!sb.draft || sb.draft.sent || !sb.draft.prompt.value.trim()) return;
  const { draft } = sb;
  draft.sent = true;
  draft.index = sb.model.get("shots").length + sb.arriving.length;
  draft.hint.textContent = "Type the prompt to add this shot";
  draft.card.classList.remove("sw-sb-refused");
  draft.sentText = draft.prompt.value;
  draft.placed = false;
  draft.seq = post(sb, { type: "add", prompt: draft.sentText });
}
function closeDraft(sb) {
  clearTimeout(sb.draftTimer);
  sb.draft?.card.remove();
  sb.draft = null;
}
function takeOver(sb, draft, focused) {
  const typed = draft.prompt;
  const box = sb.cards[draft.index].prompt;
  box.value = typed.value;
  if (typed.value.trim() !== sb.model.get("shots")[draft.index].prompt) editSoon(sb, draft.index, typed.value);
  draft.card.remove();
  if (focused === typed) {
    box.focus();
    box.setSelectionRange(typed.selectionStart, typed.selectionEnd);
  }
}
function arrived(sb, draft) {
  const shot = draft.sent ? sb.model.get("shots")[draft.index] : void 0;
  return Boolean(shot) && (draft.placed || shot.prompt.trim() === draft.sentText.trim());
}
function draftArrived(sb) {
  return [sb.draft, ...sb.arriving].some((d) => d && arrived(sb, d));
}
function adoptDraft(sb, focused) {
  const isHere = (draft2) => arrived(sb, draft2);
  const here = sb.arriving.filter(isHere);
  sb.arriving = sb.arriving.filter((draft2) => !here.includes(draft2));
  for (const draft2 of here) takeOver(sb, draft2, focused);
  for (const draft2 of [...sb.arriving, ...sb.refused]) sb.ui.list.append(draft2.card);
  const { draft } = sb;
  if (!draft) return;
  if (!isHere(draft)) {
    sb.ui.list.append(draft.card);
    if (focused === draft.prompt) draft.prompt.focus();
    return;
  }
  takeOver(sb, draft, focused);
  closeDraft(sb);
}

// sora_widgets/widgets/static/storyboard_cards.js
var ACTION_TEXT = {
  reuse: "made already: kept",
  resume: "unfinished: will be finished, not sent again",
  generate: "will be made",
  unknown: "sent before, answer lost: not resent"
};
function cardElements(index) {
  const n = index + 1;
  const connector = h("div", { class: "sw-sb-connector" });
  const linkId = uid("sw-sb-link");
  const link = h("select", { id: linkId, class: "sw-sb-link", "aria-label": `How shot ${n} continues from shot ${index}` });
  const linkLabel = h("label", { for: linkId, class: "sw-muted", text: `Shot ${n}` });
  connector.append(h("span", { class: "sw-sb-arrow", "aria-hidden": "true", text: "↓" }), linkLabel, link);
  const heading = h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` });
  const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", "aria-label": `Prompt of shot ${n}` });
  const lenId = uid("sw-sb-slen");
  const length = h("select", { id: lenId, class: "sw-sb-shot-length", "aria-label": `Length of shot ${n}` });
  const up = h("button", { class: "sw-btn", type: "button", text: "↑", title: `Move shot ${n} up`, "aria-label": `Move shot ${n} up` });
  const down = h("button", { class: "sw-btn", type: "button", text: "↓", title: `Move shot ${n} down`, "aria-label": `Move shot ${n} down` });
  const remove = h("button", { class: "sw-btn", type: "button", text: "Remove", "aria-label": `Remove shot ${n}` });
  const rerun = h("button", { class: "sw-btn sw-sb-rerun", type: "button", text: "Rerun from here", "aria-label": `Rerun from here (shot ${n})` });
  const cardPrice = h("span", { class: "sw-sb-card-price sw-muted" });
  const tools = h("div", { class: "sw-sb-tools" }, [length, cardPrice, up, down, remove, rerun]);
  const barFill = h("div", { class: "sw-sb-bar-fill" });
  const bar = h("div", { class: "sw-sb-bar", role: "progressbar", "aria-label": `Progress of shot ${n}`, "aria-valuemin": "0", "aria-valuemax": "100" }, [barFill]);
  const status = h("div", { class: "sw-sb-status" });
  const strip = h("img", { class: "sw-sb-strip", alt: `Shot ${n}: first, middle and last frame` });
  const card = h("li", { class: "sw-sb-card" }, [connector, heading, prompt, tools, bar, status, strip]);
  return { card, connector, link, prompt, length, up, down, remove, rerun, cardPrice, bar, barFill, status, strip };
}
function moveShot(sb, msg, focus) {
  flushAll(sb);
  sb.focusAfter = focus;
  sb.send(msg);
}
function wireCard(sb, c, index) {
  const { on, send } = sb;
  on(c.prompt, "input", () => editSoon(sb, index, c.prompt.value));
  on(c.prompt, "change", () => flush(sb, index));
  on(c.prompt, "keydown", runOnCtrlEnter(sb));
  on(c.card, "keydown", (event) => {
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      event.stopPropagation();
      const to = index + (event.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= sb.model.get("shots").length) return;
      moveShot(sb, { type: "move", index, to }, [to, event.target.classList.contains("sw-sb-prompt") ? ".sw-sb-prompt" : null]);
    }
  });
  on(c.length, "change", () => send({ type: "edit", index, field: "seconds", value: Number(c.length.value) || 0 }));
  on(c.link, "change", () => send({ type: "edit", index, field: "continuity", value: c.link.value }));
  on(c.up, "click", () => moveShot(sb, { type: "move", index, to: index - 1 }, [index - 1, null]));
  on(c.down, "click", () => moveShot(sb, { type: "move", index, to: index + 1 }, [index + 1, null]));
  on(c.remove, "click", () => moveShot(sb, { type: "remove", index }, [Math.max(0, index - 1), ".sw-sb-prompt"]));
  on(c.rerun, "click", () => {
    flushAll(sb);
    send({ type: "rerun", index });
    send({ type: "run" });
  });
}
function makeCard(sb, index) {
  const c = cardElements(index);
  wireCard(sb, c, index);
  return c;
}
function redrawCards(sb, count) {
  const focused = activeIn(sb.ui.list);
  const old = sb.cards.map(({ prompt }) => ({ prompt, value: prompt.value, from: prompt.selectionStart, to: prompt.selectionEnd }));
  sb.cards.forEach((c) => c.card.remove());
  sb.cards = Array.from({ length: count }, (_, i) => makeCard(sb, i));
  sb.ui.list.replaceChildren(...sb.cards.map((c) => c.card));
  sb.cards.forEach(({ prompt }, i) => {
    const was = old[i];
    const typing = was?.prompt === focused;
    if (was && (typing || sb.pendingValue.has(i) || sb.unconfirmed.has(i))) prompt.value = was.value;
    if (typing) {
      prompt.focus();
      prompt.setSelectionRange(was.from, was.to);
    }
  });
  return focused;
}
function paintProgress(model, c, shot) {
  const pct = shot.status === "done" ? 100 : shot.progress >= 0 ? Math.round(shot.progress * 100) : 0;
  c.barFill.style.width = `${pct}%`;
  c.bar.setAttribute("aria-valuenow", String(pct));
  c.bar.hidden = !(shot.status === "running" || shot.status === "waiting" || shot.status === "done");
  const word = statusWord(model, shot.status);
  let text = shot.status === "planned" ? ACTION_TEXT[shot.action] || word : word;
  if (shot.status === "running" && shot.progress >= 0) text += ` ${pct}%`;
  if (shot.message && (shot.status === "failed" || shot.status === "blocked")) text += `: ${shot.message}`;
  c.status.textContent = text;
}
function paintCard(sb, c, shot, index, count, force) {
  const { model } = sb;
  const running = model.get("running");
  c.card.dataset.status = shot.status;
  c.card.dataset.action = shot.action;
  c.card.dataset.mode = shot.mode;
  c.connector.hidden = index === 0;
  const modes = model.get("continuity_choices");
  const boardMode = modes.find(([v]) => v === model.get("continuity"));
  fillSelect(c.link, [["", `as the board: ${boardMode ? boardMode[1] : ""}`], ...modes], shot.continuity);
  const typing = activeIn(c.prompt) === c.prompt && !force;
  const waiting = sb.pendingValue.has(index) || sb.unconfirmed.has(index);
  if (!typing && !waiting && c.prompt.value !== shot.prompt) {
    c.prompt.value = shot.prompt;
  }
  const lengths = model.get("seconds_choices").map((s) => [s, `${s} s`]);
  fillSelect(c.length, [[0, `${model.get("seconds")} s (board)`], ...lengths], shot.own_seconds);
  c.cardPrice.textContent = shot.cost ? `cost ${shot.cost}` : shot.price;
  for (const control of [c.prompt, c.length, c.link, c.remove]) control.disabled = running;
  c.up.disabled = running || index === 0;
  c.down.disabled = running || index === count - 1;
  c.rerun.disabled = running || !(shot.status === "done" || shot.status === "failed" || shot.action === "reuse");
  paintProgress(model, c, shot);
  const url = shot.thumb ? sb.thumbs.get(shot.thumb) : null;
  if (url) {
    if (c.strip.getAttribute("src") !== url) c.strip.src = url;
    c.strip.hidden = false;
  } else {
    c.strip.removeAttribute("src");
    c.strip.hidden = true;
  }
}

// sora_widgets/widgets/static/storyboard.js
function layoutBoard(el) {
  const title = h("h3", { class: "sw-sb-title", text: "Storyboard" });
  const sim = h("span", { class: "sw-badge-sim", text: "simulated", title: "Made by the built-in simulator, not the real service" });
  const sizeText = h("span", { class: "sw-muted sw-sb-size" });
  const modeId = uid("sw-sb-mode");
  const modeSelect = h("select", { id: modeId, class: "sw-sb-mode" });
  const lengthId = uid("sw-sb-len");
  const lengthSelect = h("select", { id: lengthId, class: "sw-sb-length" });
  const header = h("div", { class: "sw-sb-header" }, [
    title,
    sim,
    sizeText,
    h("label", { for: modeId, text: "Each shot" }),
    modeSelect,
    h("label", { for: lengthId, text: "Length" }),
    lengthSelect
  ]);
  const list = h("ol", { class: "sw-sb-cards", "aria-label": "Shots" });
  const add = h("button", { class: "sw-btn", type: "button", text: "Add shot" });
  const price = h("div", { class: "sw-sb-price", "aria-live": "polite" });
  const run = h("button", { class: "sw-btn sw-btn-primary sw-sb-run", type: "button", text: "Run" });
  const footer = h("div", { class: "sw-sb-footer" }, [add, price, run]);
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const filmVideo = h("video", { class: "sw-sb-film-video", controls: "", playsinline: "", preload: "auto", "aria-label": "The joined film" });
  const filmFacts = h("p", { class: "sw-sb-film-facts sw-muted" });
  const film = h("section", { class: "sw-sb-film", "aria-label": "Film" }, [h("h4", { text: "Film" }), filmVideo, filmFacts]);
  const root = h("div", { class: "sw-root sw-sb" }, [header, list, footer, alert, film]);
  el.append(root);
  return { sim, sizeText, modeSelect, lengthSelect, list, add, price, run, alert, film, filmVideo, filmFacts };
}
function boardState(model, ui) {
  const handlers = [];
  return {
    model,
    ui,
    handlers,
    send: (msg) => model.send(msg),
    on: (node, type, fn) => handlers.push(listen(node, type, fn)),
    pending: /* @__PURE__ */ new Map(),
    // index -> timer of an edit not sent yet
    pendingValue: /* @__PURE__ */ new Map(),
    // index -> its text
    viewId: uid("sw-sb-view"),
    // the kernel's answers ("ack") name the view that asked
    seq: 0,
    // the number of this view's last message that asks for an answer
    unconfirmed: /* @__PURE__ */ new Map(),
    // index -> number of its last edit sent, until the kernel answers it
    thumbs: /* @__PURE__ */ new Map(),
    // task id -> object URL
    filmUrl: null,
    filmVersion: -1,
    cards: [],
    focusAfter: null,
    // [index, selector] to focus once this view's add/move/remove has arrived
    lastPrompts: "",
    draft: null,
    // { card, prompt, sent, index } while the new card is not a shot of the board yet
    arriving: [],
    // drafts sent to the board whose shots have not come back yet (in order)
    refused: [],
    // drafts the board refused while another was open: kept with their words
    draftTimer: null
  };
}
function paintCards(sb, shots) {
  const { ui, draft } = sb;
  if (sb.cards.length !== shots.length) adoptDraft(sb, redrawCards(sb, shots.length));
  else if (draftArrived(sb)) adoptDraft(sb, activeIn(ui.list));
  const prompts = JSON.stringify(shots.map((s) => s.prompt));
  const moved = sb.focusAfter !== null && prompts !== sb.lastPrompts;
  sb.lastPrompts = prompts;
  shots.forEach((shot, i) => paintCard(sb, sb.cards[i], shot, i, shots.length, moved));
  if (moved && sb.cards[sb.focusAfter[0]]) {
    const [index, selector] = sb.focusAfter;
    const target = selector ? sb.cards[index].card.querySelector(selector) : sb.cards[index].prompt;
    sb.focusAfter = null;
    target?.focus();
  }
}
function paintBoard(sb, shots) {
  const { model, ui } = sb;
  ui.sim.hidden = !model.get("simulated");
  ui.sizeText.textContent = model.get("size").replace("x", " × ");
  fillSelect(ui.modeSelect, model.get("continuity_choices"), model.get("continuity"));
  fillSelect(ui.lengthSelect, model.get("seconds_choices").map((s) => [s, `${s} s`]), model.get("seconds"));
  const running = model.get("running");
  ui.modeSelect.disabled = ui.lengthSelect.disabled = ui.add.disabled = running;
  ui.run.disabled = running || shots.length === 0;
  for (const draft of [sb.draft, ...sb.refused]) if (draft) draft.prompt.disabled = running;
  ui.run.textContent = running ? "Running…" : "Run";
  const budget = model.get("budget");
  const parts = [];
  if (shots.length) parts.push(`Total ${model.get("total_cost")}`);
  if (model.get("run_cost")) parts.push(`this run ${model.get("run_cost")}`);
  if (budget) parts.push(`budget ${budget}`);
  ui.price.textContent = parts.join(" · ") + (model.get("run_note") ? ` (${model.get("run_note")})` : "");
  ui.alert.textContent = model.get("error");
  ui.alert.hidden = !ui.alert.textContent;
  const info = model.get("film");
  ui.film.hidden = !info || !info.frames;
  if (info && info.frames) {
    const how = info.join === "copy" ? "joined without re-encoding" : "re-encoded";
    ui.filmFacts.textContent = `${info.shots} shots · ${info.duration} s · ${info.cost} · ${how}${info.audio ? " · with sound" : ""}`;
  }
}
function paint(sb) {
  const shots = sb.model.get("shots");
  paintCards(sb, shots);
  paintBoard(sb, shots);
}
function showMedia(sb, msg, buffers) {
  if (msg.type === "ack" && msg.view === sb.viewId) {
    acknowledged(sb, msg);
    paint(sb);
  } else if (msg.type === "thumb" && buffers?.length) {
    const old = sb.thumbs.get(msg.task_id);
    if (old) URL.revokeObjectURL(old);
    sb.thumbs.set(msg.task_id, bufferUrl(buffers[0], msg.mime || "image/jpeg"));
    paint(sb);
  } else if (msg.type === "film" && buffers?.length && msg.version !== sb.filmVersion) {
    if (sb.filmUrl) URL.revokeObjectURL(sb.filmUrl);
    sb.filmUrl = bufferUrl(buffers[0], msg.mime || "video/mp4");
    sb.filmVersion = msg.version;
    sb.ui.filmVideo.src = sb.filmUrl;
    sb.ui.filmVideo.load();
  }
}
function wireBoard(sb) {
  const { on, send, ui } = sb;
  on(ui.modeSelect, "change", () => send({ type: "settings", continuity: ui.modeSelect.value }));
  on(ui.lengthSelect, "change", () => send({ type: "settings", seconds: Number(ui.lengthSelect.value) }));
  on(ui.run, "click", () => startRun(sb));
  on(ui.add, "click", () => openDraft(sb));
}
function mountStoryboard({ model, el }) {
  const sb = boardState(model, layoutBoard(el));
  wireBoard(sb);
  const onMessage = (msg, buffers) => showMedia(sb, msg, buffers);
  const onChange = () => paint(sb);
  model.on("msg:custom", onMessage);
  model.on("change", onChange);
  paint(sb);
  sb.send({ type: "ready" });
  return () => {
    for (const undo of sb.handlers) undo();
    for (const timer of sb.pending.values()) clearTimeout(timer);
    clearTimeout(sb.draftTimer);
    model.off("msg:custom", onMessage);
    model.off("change", onChange);
    sb.ui.filmVideo.pause();
    sb.ui.filmVideo.removeAttribute("src");
    if (sb.filmUrl) URL.revokeObjectURL(sb.filmUrl);
    for (const url of sb.thumbs.values()) URL.revokeObjectURL(url);
  };
}
var storyboard_default = { render: mountStoryboard };
export {
  storyboard_default as default,
  mountStoryboard
};
