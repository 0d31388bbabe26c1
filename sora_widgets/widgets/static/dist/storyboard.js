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
function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}
function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// sora_widgets/widgets/static/storyboard.js
var ACTION_TEXT = {
  reuse: "made already: kept",
  resume: "unfinished: will be finished, not sent again",
  generate: "will be made",
  unknown: "sent before, answer lost: not resent"
};
var EDIT_DELAY_MS = 350;
function mountStoryboard({ model, el }) {
  const cleanups = [];
  const listen2 = (node, event, fn) => {
    node.addEventListener(event, fn);
    cleanups.push(() => node.removeEventListener(event, fn));
  };
  const send = (msg) => model.send(msg);
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
  listen2(modeSelect, "change", () => send({ type: "settings", continuity: modeSelect.value }));
  listen2(lengthSelect, "change", () => send({ type: "settings", seconds: Number(lengthSelect.value) }));
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
  const pending = /* @__PURE__ */ new Map();
  const pendingValue = /* @__PURE__ */ new Map();
  function flush(index) {
    clearTimeout(pending.get(index));
    pending.delete(index);
    if (pendingValue.has(index)) {
      send({ type: "edit", index, field: "prompt", value: pendingValue.get(index) });
      pendingValue.delete(index);
    }
  }
  const flushAll = () => {
    [...pendingValue.keys()].forEach(flush);
    sendDraft();
  };
  function editSoon(index, value) {
    pendingValue.set(index, value);
    clearTimeout(pending.get(index));
    pending.set(index, setTimeout(() => flush(index), EDIT_DELAY_MS));
  }
  const thumbs = /* @__PURE__ */ new Map();
  let filmUrl = null;
  let filmVersion = -1;
  let cards = [];
  let focusAfter = null;
  let lastPrompts = "";
  function fillSelect(select, options, value) {
    const key = JSON.stringify(options);
    if (select.dataset.options !== key) {
      select.replaceChildren(...options.map(([v, text]) => h("option", { value: String(v), text })));
      select.dataset.options = key;
    }
    if (activeIn(select) !== select) select.value = String(value);
  }
  function makeCard(index) {
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
    listen2(prompt, "input", () => editSoon(index, prompt.value));
    listen2(prompt, "change", () => flush(index));
    listen2(prompt, "keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        event.stopPropagation();
        startRun();
      }
    });
    listen2(card, "keydown", (event) => {
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        event.stopPropagation();
        const to = index + (event.key === "ArrowUp" ? -1 : 1);
        if (to < 0 || to >= model.get("shots").length) return;
        flushAll();
        focusAfter = [to, event.target.classList.contains("sw-sb-prompt") ? ".sw-sb-prompt" : null];
        send({ type: "move", index, to });
      }
    });
    listen2(length, "change", () => send({ type: "edit", index, field: "seconds", value: Number(length.value) || 0 }));
    listen2(link, "change", () => send({ type: "edit", index, field: "continuity", value: link.value }));
    listen2(up, "click", () => {
      flushAll();
      focusAfter = [index - 1, null];
      send({ type: "move", index, to: index - 1 });
    });
    listen2(down, "click", () => {
      flushAll();
      focusAfter = [index + 1, null];
      send({ type: "move", index, to: index + 1 });
    });
    listen2(remove, "click", () => {
      flushAll();
      focusAfter = [Math.max(0, index - 1), ".sw-sb-prompt"];
      send({ type: "remove", index });
    });
    listen2(rerun, "click", () => {
      flushAll();
      send({ type: "rerun", index });
      send({ type: "run" });
    });
    return { card, connector, link, prompt, length, up, down, remove, rerun, cardPrice, bar, barFill, status, strip };
  }
  function paintCard(c, shot, index, count, force) {
    const running = model.get("running");
    c.card.dataset.status = shot.status;
    c.card.dataset.action = shot.action;
    c.card.dataset.mode = shot.mode;
    c.connector.hidden = index === 0;
    const modes = model.get("continuity_choices");
    const boardMode = modes.find(([v]) => v === model.get("continuity"));
    fillSelect(c.link, [["", `as the board: ${boardMode ? boardMode[1] : ""}`], ...modes], shot.continuity);
    const typing = activeIn(c.prompt) === c.prompt && !force;
    if (!typing && !pendingValue.has(index) && c.prompt.value !== shot.prompt) {
      c.prompt.value = shot.prompt;
    }
    const lengths = model.get("seconds_choices").map((s) => [s, `${s} s`]);
    fillSelect(c.length, [[0, `${model.get("seconds")} s (board)`], ...lengths], shot.own_seconds);
    c.cardPrice.textContent = shot.cost ? `cost ${shot.cost}` : shot.price;
    for (const control of [c.prompt, c.length, c.link, c.remove]) control.disabled = running;
    c.up.disabled = running || index === 0;
    c.down.disabled = running || index === count - 1;
    c.rerun.disabled = running || !(shot.status === "done" || shot.status === "failed" || shot.action === "reuse");
    const pct = shot.status === "done" ? 100 : shot.progress >= 0 ? Math.round(shot.progress * 100) : 0;
    c.barFill.style.width = `${pct}%`;
    c.bar.setAttribute("aria-valuenow", String(pct));
    c.bar.hidden = !(shot.status === "running" || shot.status === "waiting" || shot.status === "done");
    const word = statusWord(model, shot.status);
    let text = shot.status === "planned" ? ACTION_TEXT[shot.action] || word : word;
    if (shot.status === "running" && shot.progress >= 0) text += ` ${pct}%`;
    if (shot.message && (shot.status === "failed" || shot.status === "blocked")) text += `: ${shot.message}`;
    c.status.textContent = text;
    const url = shot.thumb ? thumbs.get(shot.thumb) : null;
    if (url) {
      if (c.strip.getAttribute("src") !== url) c.strip.src = url;
      c.strip.hidden = false;
    } else {
      c.strip.removeAttribute("src");
      c.strip.hidden = true;
    }
  }
  function paint() {
    const shots = model.get("shots");
    if (cards.length !== shots.length) {
      const draftFocused = Boolean(draft) && activeIn(draft.prompt) === draft.prompt;
      cards.forEach((c) => c.card.remove());
      cards = shots.map((_, i) => makeCard(i));
      list.replaceChildren(...cards.map((c) => c.card));
      adoptDraft(shots.length, draftFocused);
    }
    const prompts = JSON.stringify(shots.map((s) => s.prompt));
    const moved = focusAfter !== null && prompts !== lastPrompts;
    lastPrompts = prompts;
    shots.forEach((shot, i) => paintCard(cards[i], shot, i, shots.length, moved));
    if (moved && cards[focusAfter[0]]) {
      const [index, selector] = focusAfter;
      const target = selector ? cards[index].card.querySelector(selector) : cards[index].prompt;
      focusAfter = null;
      target?.focus();
    }
    sim.hidden = !model.get("simulated");
    sizeText.textContent = model.get("size").replace("x", " × ");
    fillSelect(modeSelect, model.get("continuity_choices"), model.get("continuity"));
    fillSelect(lengthSelect, model.get("seconds_choices").map((s) => [s, `${s} s`]), model.get("seconds"));
    const running = model.get("running");
    modeSelect.disabled = lengthSelect.disabled = add.disabled = running;
    run.disabled = running || shots.length === 0;
    run.textContent = running ? "Running…" : "Run";
    const budget = model.get("budget");
    const parts = [];
    if (shots.length) parts.push(`Total ${model.get("total_cost")}`);
    if (model.get("run_cost")) parts.push(`this run ${model.get("run_cost")}`);
    if (budget) parts.push(`budget ${budget}`);
    price.textContent = parts.join(" · ") + (model.get("run_note") ? ` (${model.get("run_note")})` : "");
    alert.textContent = model.get("error");
    alert.hidden = !alert.textContent;
    const info = model.get("film");
    film.hidden = !info || !info.frames;
    if (info && info.frames) {
      const how = info.join === "copy" ? "joined without re-encoding" : "re-encoded";
      filmFacts.textContent = `${info.shots} shots · ${info.duration} s · ${info.cost} · ${how}${info.audio ? " · with sound" : ""}`;
    }
  }
  function startRun() {
    flushAll();
    send({ type: "run" });
  }
  listen2(run, "click", startRun);
  let draft = null;
  let draftTimer = null;
  function openDraft() {
    flushAll();
    if (draft) {
      draft.prompt.focus();
      return;
    }
    const n = model.get("shots").length + 1;
    const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", placeholder: "Describe the next shot", "aria-label": `Prompt of shot ${n}` });
    const cancel = h("button", { class: "sw-btn", type: "button", text: "Cancel" });
    const card = h("li", { class: "sw-sb-card sw-sb-draft" }, [
      h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` }),
      prompt,
      h("div", { class: "sw-sb-tools" }, [h("span", { class: "sw-sb-card-price sw-muted", text: "Type the prompt to add this shot" }), cancel])
    ]);
    draft = { card, prompt, sent: false };
    listen2(prompt, "input", () => {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(sendDraft, EDIT_DELAY_MS);
    });
    listen2(prompt, "change", sendDraft);
    listen2(prompt, "keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        event.stopPropagation();
        startRun();
      }
    });
    listen2(cancel, "click", () => {
      closeDraft();
      add.focus();
    });
    list.append(card);
    prompt.focus();
  }
  function sendDraft() {
    clearTimeout(draftTimer);
    if (!draft || draft.sent || !draft.prompt.value.trim()) return;
    draft.sent = true;
    send({ type: "add", prompt: draft.prompt.value });
  }
  function closeDraft() {
    clearTimeout(draftTimer);
    draft?.card.remove();
    draft = null;
  }
  function adoptDraft(count, had) {
    if (!draft) return;
    const typed = draft.prompt;
    if (!draft.sent || count === 0) {
      list.append(draft.card);
      if (had) typed.focus();
      return;
    }
    const index = count - 1;
    const box = cards[index].prompt;
    box.value = typed.value;
    if (typed.value.trim() !== model.get("shots")[index].prompt) editSoon(index, typed.value);
    closeDraft();
    if (had) {
      box.focus();
      box.setSelectionRange(typed.selectionStart, typed.selectionEnd);
    }
  }
  listen2(add, "click", openDraft);
  const onError = () => {
    if (draft && model.get("error")) draft.sent = false;
  };
  model.on("change:error", onError);
  function onMessage(msg, buffers) {
    if (msg.type === "thumb" && buffers?.length) {
      const old = thumbs.get(msg.task_id);
      if (old) URL.revokeObjectURL(old);
      thumbs.set(msg.task_id, URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "image/jpeg" })));
      paint();
    } else if (msg.type === "film" && buffers?.length && msg.version !== filmVersion) {
      if (filmUrl) URL.revokeObjectURL(filmUrl);
      filmUrl = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "video/mp4" }));
      filmVersion = msg.version;
      filmVideo.src = filmUrl;
      filmVideo.load();
    }
  }
  model.on("msg:custom", onMessage);
  model.on("change", paint);
  paint();
  send({ type: "ready" });
  return () => {
    for (const fn of cleanups) fn();
    for (const timer of pending.values()) clearTimeout(timer);
    clearTimeout(draftTimer);
    model.off("change:error", onError);
    model.off("msg:custom", onMessage);
    model.off("change", paint);
    filmVideo.pause();
    filmVideo.removeAttribute("src");
    if (filmUrl) URL.revokeObjectURL(filmUrl);
    for (const url of thumbs.values()) URL.revokeObjectURL(url);
  };
}
var storyboard_default = { render: mountStoryboard };
export {
  ACTION_TEXT,
  EDIT_DELAY_MS,
  storyboard_default as default,
  mountStoryboard
};
