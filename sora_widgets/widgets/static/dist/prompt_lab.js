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
var KEEP_KEYS_IN = "input, textarea, select, button, video, [contenteditable]";
var KEY_EVENTS = ["keydown", "keypress", "keyup"];
function keepKeys(root) {
  const stop = (event) => {
    if (event.key === "Escape") return;
    const control2 = event.target instanceof Element ? event.target.closest(KEEP_KEYS_IN) : null;
    if (control2 && root.contains(control2)) event.stopPropagation();
  };
  for (const type of KEY_EVENTS) root.addEventListener(type, stop);
  return () => {
    for (const type of KEY_EVENTS) root.removeEventListener(type, stop);
  };
}
function onTraits(model, names, fn) {
  const events = names.map((name) => `change:${name}`);
  for (const event of events) model.on(event, fn);
  return () => {
    for (const event of events) model.off(event, fn);
  };
}
function listen(node, type, fn, options) {
  node.addEventListener(type, fn, options);
  return () => node.removeEventListener(type, fn, options);
}
function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}
function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}
async function childModel(model, name) {
  const ref = model.get(name);
  if (typeof ref !== "string" || !ref) throw new Error(`${name}: no child widget`);
  const id = ref.startsWith("IPY_MODEL_") ? ref.slice("IPY_MODEL_".length) : ref;
  return model.widget_manager.get_model(id);
}
function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}
function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// sora_widgets/widgets/static/frames.js
function formatTime(seconds) {
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}
function still(model, urls, rowKey, column, label) {
  const time = model.get("times")[column];
  const button = h("button", {
    type: "button",
    class: "sw-fc-still",
    "data-row": rowKey,
    "data-column": String(column),
    "aria-label": `${label} at ${formatTime(time)}: seek the players here`,
    title: `Seek to ${formatTime(time)}`
  });
  const known = urls.get(rowKey);
  if (known && known[column]) button.append(h("img", { src: known[column], alt: "" }));
  else button.append(h("span", { class: "sw-fc-wait sw-muted", text: "…" }));
  return button;
}
function paint(model, view) {
  const { title, table, alert, urls } = view;
  title.textContent = model.get("title");
  const times = model.get("times") || [];
  const rows = model.get("rows") || [];
  const selected = model.get("selected_time");
  table.style.setProperty("--sw-fc-columns", String(Math.max(1, times.length)));
  const header = h("div", { class: "sw-fc-row sw-fc-head", role: "row" }, [h("span", { class: "sw-fc-label", role: "columnheader", text: "" })]);
  times.forEach((t, column) => {
    const cell = h("span", { class: "sw-fc-time", role: "columnheader", text: formatTime(t) });
    if (Math.abs(t - selected) < 1e-3) cell.classList.add("sw-fc-selected");
    cell.dataset.column = String(column);
    header.append(cell);
  });
  const body = rows.map((row) => {
    const line = h("div", { class: "sw-fc-row", role: "row", "data-row": row.key }, [
      h("span", { class: "sw-fc-label", role: "rowheader", title: row.prompt, text: row.label || row.prompt })
    ]);
    if (row.portrait) line.classList.add("sw-portrait");
    times.forEach((t, column) => {
      const cell = still(model, urls, row.key, column, row.label || row.prompt);
      if (Math.abs(t - selected) < 1e-3) cell.classList.add("sw-fc-selected");
      line.append(cell);
    });
    return line;
  });
  const focused = activeIn(table);
  const focusKey = focused && table.contains(focused) ? [focused.dataset.row, focused.dataset.column] : null;
  table.replaceChildren(header, ...body);
  if (focusKey) {
    const again = table.querySelector(`.sw-fc-still[data-row="${CSS.escape(focusKey[0])}"][data-column="${focusKey[1]}"]`);
    if (again) again.focus();
  }
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  const keys = new Set(rows.map((r) => r.key));
  for (const [key, list] of urls) {
    if (!keys.has(key)) {
      list.forEach((u) => u && URL.revokeObjectURL(u));
      urls.delete(key);
    }
  }
}
function mountFrames({ model, el }) {
  const title = h("div", { class: "sw-fc-title" });
  const table = h("div", { class: "sw-fc-grid", role: "grid" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const root = h("div", { class: "sw-root sw-fc" }, [title, table, alert]);
  el.append(root);
  const urls = /* @__PURE__ */ new Map();
  const view = { title, table, alert, urls };
  const repaint = () => paint(model, view);
  function onClick(event) {
    const target = event.target.closest(".sw-fc-still");
    if (!target || !table.contains(target)) return;
    const column = Number(target.dataset.column);
    const time = model.get("times")[column];
    if (time === void 0) return;
    model.send({ type: "seek", time });
  }
  function onMessage(msg, buffers) {
    if (msg.type !== "row" || !buffers?.length) return;
    const times = model.get("times") || [];
    if (JSON.stringify(msg.times) !== JSON.stringify(times)) return;
    const old = urls.get(msg.key);
    if (old) old.forEach((u) => u && URL.revokeObjectURL(u));
    urls.set(msg.key, buffers.map((b) => bufferUrl(b, msg.mime || "image/jpeg")));
    repaint();
  }
  table.addEventListener("click", onClick);
  model.on("change", repaint);
  model.on("msg:custom", onMessage);
  repaint();
  model.send({ type: "ready" });
  return () => {
    table.removeEventListener("click", onClick);
    model.off("change", repaint);
    model.off("msg:custom", onMessage);
    for (const list of urls.values()) list.forEach((u) => u && URL.revokeObjectURL(u));
    urls.clear();
  };
}

// sora_widgets/widgets/static/lab_compare.js
var FOLLOW_PLAYING_S = 0.25;
var FOLLOW_PAUSED_S = 0.01;
function layoutCompare(model, view) {
  const playAll = h("button", { type: "button", class: "sw-btn", title: "Play all compared videos", text: "▶ Play all" });
  const pauseAll = h("button", { type: "button", class: "sw-btn", title: "Pause all compared videos", text: "❚❚ Pause all" });
  const grid = h("div", { class: "sw-lab-compare-grid" });
  const framesBox = h("div", { class: "sw-lab-frames" });
  const note = h("div", { class: "sw-lab-message", role: "alert" });
  view.append(
    h("div", { class: "sw-lab-row" }, [
      h("strong", { text: "Compare" }),
      h("span", { class: "sw-muted", text: "play, pause and seek move every video" }),
      playAll,
      pauseAll
    ]),
    grid,
    note,
    framesBox
  );
  return {
    model,
    view,
    playAll,
    pauseAll,
    grid,
    framesBox,
    note,
    tiles: /* @__PURE__ */ new Map(),
    // task id -> {tile, video, caption, star, remix, url, index}
    requested: /* @__PURE__ */ new Set(),
    // task ids whose bytes were asked of the kernel
    ourSeeks: /* @__PURE__ */ new Map(),
    // video -> time this code seeked it to
    ourPlays: /* @__PURE__ */ new WeakSet(),
    ourPauses: /* @__PURE__ */ new WeakSet(),
    undo: []
  };
}
var ordered = (cmp) => [...cmp.grid.children].map((tile) => tile.querySelector("video")).filter((v) => v && v.src);
var leader = (cmp) => ordered(cmp)[0];
function seekVideo(cmp, video, time, tolerance = video.paused ? FOLLOW_PAUSED_S : FOLLOW_PLAYING_S) {
  if (video.readyState < 1 || Math.abs(video.currentTime - time) <= tolerance) return;
  cmp.ourSeeks.set(video, time);
  video.currentTime = time;
}
function playVideo(cmp, video) {
  if (!video.paused || video.readyState < 1) return;
  cmp.ourPlays.add(video);
  video.play().catch((err) => {
    cmp.ourPlays.delete(video);
    cmp.note.textContent = `The browser would not start playback (${err.name}).`;
  });
}
function pauseVideo(cmp, video) {
  if (video.paused) return;
  cmp.ourPauses.add(video);
  video.pause();
}
function report(cmp, changes) {
  for (const [key, value] of Object.entries(changes)) cmp.model.set(key, value);
  cmp.model.save_changes();
}
function reportLeader(cmp) {
  const lead = leader(cmp);
  if (lead) report(cmp, { playing: !lead.paused, current_time: lead.currentTime });
}
function userPlayed(cmp, video) {
  for (const other of ordered(cmp)) {
    if (other === video) continue;
    seekVideo(cmp, other, video.currentTime);
    playVideo(cmp, other);
  }
  reportLeader(cmp);
}
function userPaused(cmp, video) {
  for (const other of ordered(cmp)) {
    if (other === video) continue;
    pauseVideo(cmp, other);
    seekVideo(cmp, other, video.currentTime, FOLLOW_PAUSED_S);
  }
  report(cmp, { playing: false, current_time: video.currentTime });
}
function userSeeked(cmp, video) {
  for (const other of ordered(cmp)) if (other !== video) seekVideo(cmp, other, video.currentTime, FOLLOW_PAUSED_S);
  report(cmp, { current_time: video.currentTime });
}
function leaderTicked(cmp, video) {
  if (video !== leader(cmp)) return;
  if (!video.paused) {
    for (const other of ordered(cmp)) if (other !== video) seekVideo(cmp, other, video.currentTime);
  }
  if (Math.abs(cmp.model.get("current_time") - video.currentTime) >= 0.2) report(cmp, { current_time: video.currentTime });
}
function joined(cmp, video) {
  const lead = ordered(cmp).find((v) => v !== video && v.readyState >= 1);
  const time = lead ? lead.currentTime : cmp.model.get("current_time");
  const playing = lead ? !lead.paused : cmp.model.get("playing");
  seekVideo(cmp, video, time, FOLLOW_PAUSED_S);
  if (playing) playVideo(cmp, video);
}
function makeTile(cmp, row) {
  const { model, ourSeeks, ourPlays, ourPauses, undo } = cmp;
  const video = h("video", { class: "sw-lab-video", controls: "", playsinline: "", preload: "auto", muted: "" });
  video.muted = true;
  const caption = h("div", { class: "sw-lab-tile-caption" });
  const star = h("button", { type: "button", class: "sw-btn sw-lab-star" });
  const remix = h("button", { type: "button", class: "sw-btn", text: "Remix" });
  const tile = h("div", { class: "sw-lab-tile", role: "group" }, [video, caption, h("div", { class: "sw-lab-cell-actions" }, [star, remix])]);
  const parts = { tile, video, caption, star, remix, url: null, index: row.index };
  const events = {
    play: () => ourPlays.delete(video) ? void 0 : userPlayed(cmp, video),
    pause: () => ourPauses.delete(video) ? void 0 : userPaused(cmp, video),
    seeked: () => {
      if (video.seeking) return;
      const ours = ourSeeks.get(video);
      ourSeeks.delete(video);
      if (ours === void 0 || Math.abs(video.currentTime - ours) > 0.05) userSeeked(cmp, video);
    },
    timeupdate: () => leaderTicked(cmp, video),
    loadedmetadata: () => joined(cmp, video)
  };
  for (const [type, fn] of Object.entries(events)) undo.push(listen(video, type, fn));
  undo.push(listen(star, "click", () => model.send({ type: "favourite", index: parts.index, value: star.getAttribute("aria-pressed") !== "true" })));
  undo.push(listen(remix, "click", () => model.send({ type: "remix", index: parts.index })));
  return parts;
}
function drop(cmp, key) {
  const parts = cmp.tiles.get(key);
  cmp.tiles.delete(key);
  cmp.requested.delete(key);
  parts.video.pause();
  parts.video.removeAttribute("src");
  parts.video.load();
  if (parts.url) URL.revokeObjectURL(parts.url);
}
function draw(cmp) {
  const { model, view, grid, framesBox, tiles, requested } = cmp;
  const rows = model.get("compared") || [];
  view.hidden = rows.length === 0;
  const order = [];
  for (const row of rows) {
    let parts = tiles.get(row.key);
    if (!parts) {
      parts = makeTile(cmp, row);
      tiles.set(row.key, parts);
    }
    parts.index = row.index;
    parts.tile.dataset.index = String(row.index);
    parts.video.setAttribute("aria-label", `Variant ${row.index + 1}: ${row.label}`);
    parts.caption.textContent = row.label;
    parts.star.textContent = row.favourite ? "★ favourite" : "☆ favourite";
    parts.star.title = `Favourite variant ${row.index + 1}`;
    parts.star.setAttribute("aria-pressed", row.favourite ? "true" : "false");
    parts.remix.title = `Remix variant ${row.index + 1}`;
    parts.remix.hidden = !row.can_remix;
    order.push(parts.tile);
    if (!requested.has(row.key)) {
      requested.add(row.key);
      model.send({ type: "want_video", index: row.index, key: row.key });
    }
  }
  const keep = new Set(rows.map((row) => row.key));
  for (const key of [...tiles.keys()]) if (!keep.has(key)) drop(cmp, key);
  const current = [...grid.children];
  if (current.length !== order.length || current.some((node, i) => node !== order[i])) grid.replaceChildren(...order);
  framesBox.hidden = rows.length < 2;
}
function control(cmp, msg) {
  const videos = ordered(cmp);
  if ("current_time" in msg) for (const video of videos) seekVideo(cmp, video, msg.current_time, FOLLOW_PAUSED_S);
  if ("playing" in msg) for (const video of videos) (msg.playing ? playVideo : pauseVideo)(cmp, video);
  if (typeof msg.seq !== "number") return;
  const changes = { _ack: msg.seq };
  for (const key of ["playing", "current_time"]) if (key in msg) changes[key] = msg[key];
  for (const key of Object.keys(changes)) cmp.model.set(key, null, { silent: true });
  report(cmp, changes);
}
function onCompareMessage(cmp, msg, buffers) {
  if (msg && msg.type === "control") {
    control(cmp, msg);
    return;
  }
  if (!msg || msg.type !== "video" || !buffers || !buffers.length) return;
  const parts = cmp.tiles.get(msg.key);
  if (!parts || parts.url) return;
  parts.url = bufferUrl(buffers[0], msg.mime || "video/mp4");
  parts.video.src = parts.url;
}
function wirePlayButtons(cmp) {
  cmp.undo.push(listen(cmp.playAll, "click", () => {
    const videos = ordered(cmp);
    const lead = videos[0];
    for (const video of videos) {
      if (lead && video !== lead) seekVideo(cmp, video, lead.currentTime, FOLLOW_PAUSED_S);
      playVideo(cmp, video);
    }
    report(cmp, { playing: true });
  }));
  cmp.undo.push(listen(cmp.pauseAll, "click", () => {
    const videos = ordered(cmp);
    for (const video of videos) pauseVideo(cmp, video);
    if (videos[0]) for (const video of videos.slice(1)) seekVideo(cmp, video, videos[0].currentTime, FOLLOW_PAUSED_S);
    reportLeader(cmp);
    report(cmp, { playing: false });
  }));
}
function mountLabCompare(model, view) {
  const cmp = layoutCompare(model, view);
  const { framesBox, note, tiles, undo } = cmp;
  wirePlayButtons(cmp);
  let stopFrames = null;
  let gone = false;
  childModel(model, "frame_compare").then((frames) => {
    if (!gone) stopFrames = mountFrames({ model: frames, el: framesBox });
  }).catch((err) => {
    note.textContent = `Frame by frame is not available here (${err.message}).`;
  });
  const redraw = () => draw(cmp);
  const onMessage = (msg, buffers) => onCompareMessage(cmp, msg, buffers);
  model.on("change:compared", redraw);
  model.on("msg:custom", onMessage);
  redraw();
  model.send({ type: "ready", seq: model.get("_control_seq") || 0 });
  return () => {
    gone = true;
    model.off("change:compared", redraw);
    model.off("msg:custom", onMessage);
    for (const fn of undo) fn();
    for (const key of [...tiles.keys()]) drop(cmp, key);
    if (stopFrames) stopFrames();
    framesBox.replaceChildren();
  };
}

// sora_widgets/widgets/static/lab_text.js
var SLOT_RE = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
function slotNames(template) {
  const names = [];
  for (const match of template.matchAll(SLOT_RE)) {
    if (match[1] && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}
function lines(text) {
  return text.split("\n").map((s) => s.trim()).filter((s) => s.length > 0);
}
function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
var SVG_NS = "http://www.w3.org/2000/svg";
var SVG_TAGS = /* @__PURE__ */ new Set(["svg", "title", "style", "text", "tspan", "rect", "g", "line"]);
function cleanSvg(node) {
  for (const child of [...node.children]) {
    if (child.namespaceURI !== SVG_NS || !SVG_TAGS.has(child.localName)) child.remove();
    else cleanSvg(child);
  }
  for (const attr of [...node.attributes]) {
    if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
  }
}
function drawTimeline(model, timelineBox, timelineImg) {
  const text = model.get("timeline");
  timelineBox.hidden = !text;
  if (!text) {
    timelineImg.replaceChildren();
    return;
  }
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.namespaceURI !== SVG_NS || svg.localName !== "svg") return;
  cleanSvg(svg);
  timelineImg.replaceChildren(document.importNode(svg, true));
}
function download(wrap, msg, buffers) {
  const url = bufferUrl(buffers[0], msg.mime || "text/plain");
  const link = h("a", { href: url, download: String(msg.name || "prompt-lab.txt") });
  link.hidden = true;
  wrap.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1e4);
}

// sora_widgets/widgets/static/lab_define.js
function defineControls(model) {
  const modeTemplate = h("input", { type: "radio", name: "sw-lab-mode", value: "template", "aria-label": "Template with slots" });
  const modePrompts = h("input", { type: "radio", name: "sw-lab-mode", value: "prompts", "aria-label": "List of prompts" });
  const modeRow = h("div", { class: "sw-lab-row", role: "radiogroup", "aria-label": "How variants are defined" }, [
    h("label", {}, [modeTemplate, " Template with slots"]),
    h("label", {}, [modePrompts, " List of prompts"])
  ]);
  const template = h("textarea", {
    class: "sw-lab-template",
    rows: 2,
    "aria-label": "Prompt template; write slots as {name}",
    placeholder: "{shot} of a fox in {setting}, {lighting}"
  });
  const slotBox = h("div", { class: "sw-lab-slots", "aria-label": "Slot values" });
  const templateBox = h("div", { class: "sw-lab-templatebox" }, [template, slotBox]);
  const promptsArea = h("textarea", {
    class: "sw-lab-prompts",
    rows: 4,
    "aria-label": "Prompts, one per line",
    placeholder: "One prompt per line"
  });
  const modelsArea = h("textarea", {
    class: "sw-lab-models",
    rows: 2,
    "aria-label": "Models to compare, one id per line",
    placeholder: "Models to compare, one id per line (empty: sora_2_pro_t2v)"
  });
  const catalog = model.get("_catalog");
  const sizeBoxes = catalog.sizes.map(
    ({ size, label }) => h("input", { type: "checkbox", value: size, "aria-label": `Size ${label}` })
  );
  const lengthBoxes = catalog.seconds.map((s) => h("input", { type: "checkbox", value: String(s), "aria-label": `Length ${s} seconds` }));
  const budget = h("input", { type: "number", min: "0", step: "0.01", class: "sw-lab-budget", "aria-label": "Budget cap in USD (empty: no cap)", placeholder: "no cap" });
  const concurrency = h("input", { type: "number", min: "1", max: "16", step: "1", class: "sw-lab-concurrency", "aria-label": "Jobs at once" });
  const options = h("div", { class: "sw-lab-row sw-lab-options" }, [
    h("span", { class: "sw-lab-caption", text: "Sizes" }),
    ...sizeBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.sizes[i].label}`])),
    h("span", { class: "sw-lab-caption", text: "Lengths" }),
    ...lengthBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.seconds[i]} s`]))
  ]);
  const summary = h("div", { class: "sw-lab-summary", role: "status", "aria-live": "polite", "aria-label": "Sweep summary" });
  const runButton = h("button", { type: "button", class: "sw-btn sw-btn-primary sw-lab-run", text: "Run" });
  const stopButton = h("button", { type: "button", class: "sw-btn sw-lab-stop", text: "Stop" });
  const spent = h("span", { class: "sw-lab-spent", "aria-label": "Estimated cost sent so far" });
  const budgetRow = h("div", { class: "sw-lab-row" }, [
    h("label", {}, ["Budget $ ", budget]),
    h("label", {}, ["At once ", concurrency]),
    runButton,
    stopButton,
    spent
  ]);
  const message = h("div", { class: "sw-lab-message sw-lab-note", role: "status", "aria-label": "Lab message" });
  const problem = h("div", { class: "sw-lab-message sw-lab-problem", role: "alert", "aria-label": "Lab error" });
  const section = h("div", { class: "sw-lab-define" }, [modeRow, templateBox, promptsArea, modelsArea, options, budgetRow, summary, message, problem]);
  return {
    section,
    modeTemplate,
    modePrompts,
    template,
    slotBox,
    templateBox,
    promptsArea,
    modelsArea,
    sizeBoxes,
    lengthBoxes,
    budget,
    concurrency,
    summary,
    runButton,
    stopButton,
    spent,
    message,
    problem,
    slotLabels: /* @__PURE__ */ new Map()
    // slot name -> its <label>, kept for the life of the view
  };
}
function pageValues(ui) {
  const { modeTemplate, template, slotBox, promptsArea, modelsArea, sizeBoxes, lengthBoxes, budget, concurrency } = ui;
  return {
    mode: () => modeTemplate.checked ? "template" : "prompts",
    template: () => template.value,
    slots: () => Object.fromEntries([...slotBox.querySelectorAll("textarea")].map((a) => [a.dataset.slot, lines(a.value)])),
    prompts: () => lines(promptsArea.value),
    models: () => lines(modelsArea.value),
    sizes: () => sizeBoxes.filter((b) => b.checked).map((b) => b.value),
    seconds: () => lengthBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
    budget: () => budget.value === "" ? null : Math.max(0, Number(budget.value)),
    concurrency: () => Math.max(1, Math.round(Number(concurrency.value) || 1))
  };
}
function wireDefinition(model, ui, on) {
  const { modeTemplate, modePrompts, template, slotBox, promptsArea, modelsArea } = ui;
  const { sizeBoxes, lengthBoxes, budget, concurrency, runButton, stopButton } = ui;
  const value = pageValues(ui);
  const saver = (name) => () => save(model, name, value[name]());
  const saveTemplate = debounce(saver("template"), 250);
  const saveSlotsSoon = debounce(saver("slots"), 250);
  const savePrompts = debounce(saver("prompts"), 250);
  const saveModels = debounce(saver("models"), 250);
  on(modeTemplate, "change", () => save(model, "mode", "template"));
  on(modePrompts, "change", () => save(model, "mode", "prompts"));
  on(template, "input", () => {
    drawSlots(model, ui);
    saveTemplate();
  });
  on(slotBox, "input", saveSlotsSoon);
  on(promptsArea, "input", savePrompts);
  on(modelsArea, "input", saveModels);
  for (const box of sizeBoxes) on(box, "change", saver("sizes"));
  for (const box of lengthBoxes) on(box, "change", saver("seconds"));
  on(budget, "change", saver("budget"));
  on(concurrency, "change", saver("concurrency"));
  const form = () => Object.fromEntries(Object.entries(value).map(([name, read]) => [name, read()]));
  on(runButton, "click", () => model.send({ type: "run", form: form() }));
  on(stopButton, "click", () => model.send({ type: "stop" }));
}
function setValue(node, value) {
  if (activeIn(node) !== node && node.value !== value) node.value = value;
}
function drawSlots(model, ui) {
  const { template, slotBox, slotLabels } = ui;
  const names = slotNames(template.value);
  const values = model.get("slots") || {};
  for (const name of names) {
    if (slotLabels.has(name)) continue;
    const area = h("textarea", { rows: 3, "aria-label": `Values for {${name}}, one per line` });
    area.dataset.slot = name;
    area.value = (values[name] || []).join("\n");
    slotLabels.set(name, h("label", { class: "sw-lab-slot" }, [h("span", { text: `{${name}}` }), area]));
  }
  const wanted = names.map((name) => slotLabels.get(name));
  const current = [...slotBox.children];
  if (current.length !== wanted.length || current.some((node, i) => node !== wanted[i])) {
    slotBox.replaceChildren(...wanted);
  }
}
function drawDefinition(model, ui) {
  const { modeTemplate, modePrompts, template, slotBox, templateBox, promptsArea } = ui;
  const { sizeBoxes, lengthBoxes, budget, concurrency } = ui;
  const mode = model.get("mode");
  modeTemplate.checked = mode === "template";
  modePrompts.checked = mode === "prompts";
  templateBox.hidden = mode !== "template";
  promptsArea.hidden = mode !== "prompts";
  setValue(template, model.get("template"));
  const slots = model.get("slots") || {};
  drawSlots(model, ui);
  for (const area of slotBox.querySelectorAll("textarea")) {
    setValue(area, (slots[area.dataset.slot] || []).join("\n"));
  }
  setValue(promptsArea, (model.get("prompts") || []).join("\n"));
  setValue(ui.modelsArea, (model.get("models") || []).join("\n"));
  const sizes = model.get("sizes") || [];
  sizeBoxes.forEach((b) => b.checked = sizes.includes(b.value));
  const secs = model.get("seconds") || [];
  lengthBoxes.forEach((b) => b.checked = secs.includes(Number(b.value)));
  const cap = model.get("budget");
  setValue(budget, cap === null || cap === void 0 ? "" : String(cap));
  setValue(concurrency, String(model.get("concurrency")));
}
function drawSummary(model, ui) {
  const { summary, runButton, stopButton, spent, message, problem } = ui;
  const s = model.get("summary") || {};
  const running = model.get("running");
  if (!s.ok) {
    summary.textContent = s.error || "Define the variants.";
    summary.dataset.state = "error";
  } else {
    let text = `${s.count} video${s.count === 1 ? "" : "s"} · estimated ${s.total_cost}`;
    if (s.budget) {
      const sent = s.committed ? ` (${s.committed} already sent)` : "";
      text += ` · budget ${s.budget}${sent}: ${s.runnable} will run (${s.runnable_cost})`;
      if (s.over_budget) text += `, ${s.over_budget} over budget`;
    }
    if (s.new?.length) text += ` · new on Run: ${s.new.join("; ")}`;
    if (s.reused) text += ` · ${s.reused} already made with the same request: reused, not paid again`;
    if (s.notes && s.notes.length) text += ` · ${s.notes.join("; ")}`;
    summary.textContent = text;
    summary.dataset.state = s.over_budget ? "capped" : "ok";
  }
  runButton.disabled = running || !s.ok;
  runButton.textContent = running ? "Running…" : "Run";
  stopButton.hidden = !running;
  spent.textContent = `sent so far: ${model.get("spent")}`;
  message.textContent = model.get("message");
  problem.textContent = model.get("error");
}

// sora_widgets/widgets/static/lab_jobs.js
function jobsState(model, grid, on) {
  return {
    model,
    grid,
    on,
    urls: /* @__PURE__ */ new Map(),
    // task id -> Blob URL of its video's middle frame
    requested: /* @__PURE__ */ new Set(),
    // task ids whose thumbnail was asked of the kernel
    cells: /* @__PURE__ */ new Map()
    // index -> {cell parts}
  };
}
function releaseJobs(lab) {
  for (const url of lab.urls.values()) URL.revokeObjectURL(url);
  lab.urls.clear();
}
function thumbFor(lab, job) {
  const { urls } = lab;
  const img = h("img", { class: "sw-lab-thumb", alt: `Middle frame of variant ${job.index + 1}: ${job.label}` });
  img.dataset.index = String(job.index);
  img.dataset.key = job.video_key;
  const known = urls.get(job.video_key);
  if (known) img.src = known;
  return img;
}
function want(lab, job) {
  const { model, urls, requested } = lab;
  if (!job.has_video || urls.has(job.video_key) || requested.has(job.video_key)) return;
  requested.add(job.video_key);
  model.send({ type: "want_thumb", index: job.index, key: job.video_key });
}
function forgetThumbs(lab, jobs) {
  const { urls, requested } = lab;
  const keep = new Set(jobs.map((job) => job.video_key).filter(Boolean));
  for (const [key, url] of urls) {
    if (keep.has(key)) continue;
    URL.revokeObjectURL(url);
    urls.delete(key);
  }
  for (const key of requested) if (!keep.has(key)) requested.delete(key);
}
function makeCell(lab, job) {
  const { model, on } = lab;
  const title = h("div", { class: "sw-lab-cell-title" });
  const meta = h("div", { class: "sw-lab-cell-meta" });
  const status = h("div", { class: "sw-lab-cell-status", role: "status" });
  const bar = h("progress", { max: "1", "aria-label": `Progress of variant ${job.index + 1}` });
  const error = h("div", { class: "sw-lab-cell-error" });
  const media = h("div", { class: "sw-lab-cell-media" });
  const rerun = h("button", { type: "button", class: "sw-btn", "aria-label": `Rerun variant ${job.index + 1}`, text: "Rerun" });
  const star = h("button", { type: "button", class: "sw-btn sw-lab-star", "aria-label": `Favourite variant ${job.index + 1}` });
  const pick = h("input", { type: "checkbox", "aria-label": `Compare variant ${job.index + 1}` });
  const actions = h("div", { class: "sw-lab-cell-actions" }, [rerun, star, h("label", {}, [pick, " compare"])]);
  const cell = h("div", { class: "sw-lab-cell", role: "listitem" }, [title, meta, status, bar, error, media, actions]);
  cell.dataset.index = String(job.index);
  const parts = { cell, title, meta, status, bar, error, media, rerun, star, pick, thumb: null, key: "" };
  parts.coach = h("div", { class: "sw-lab-cell-coach" });
  meta.after(parts.coach);
  on(rerun, "click", () => model.send({ type: "rerun", index: Number(cell.dataset.index) }));
  on(star, "click", () => model.send({ type: "favourite", index: Number(cell.dataset.index), value: star.getAttribute("aria-pressed") !== "true" }));
  on(pick, "change", () => {
    const current = model.get("compare_indexes").filter((i) => i !== Number(cell.dataset.index));
    if (pick.checked) current.push(Number(cell.dataset.index));
    current.sort((a, b) => a - b);
    model.send({ type: "compare", indexes: current });
  });
  return parts;
}
function paintCoach(node, report2) {
  if (!report2) {
    node.hidden = true;
    return;
  }
  node.hidden = false;
  const missing = report2.missing || [];
  const parts = [`coach ${report2.score}/6`];
  if (missing.length) parts.push(`missing: ${missing.join(", ")}`);
  if (report2.single_purpose === false) parts.push("⚠ several shots");
  node.textContent = parts.join(" · ");
  node.title = (report2.advice || []).join("\n");
  node.dataset.ready = String(!missing.length && report2.single_purpose !== false);
}
function drawJobs(lab) {
  const { model, grid, cells } = lab;
  const jobs = model.get("jobs") || [];
  const compared = new Set(model.get("compare_indexes") || []);
  const seen = /* @__PURE__ */ new Set();
  const order = [];
  for (const job of jobs) {
    seen.add(job.index);
    let parts = cells.get(job.index);
    if (!parts) {
      parts = makeCell(lab, job);
      cells.set(job.index, parts);
    }
    order.push(parts.cell);
    parts.cell.dataset.status = job.status;
    parts.title.textContent = job.label;
    parts.title.title = job.prompt;
    const ran = job.elapsed ? ` · ran ${job.elapsed}` : "";
    parts.meta.textContent = `${job.model} · ${job.size} · ${job.seconds} s · ${job.cost}${ran}`;
    paintCoach(parts.coach, job.coach);
    const word = statusWord(model, job.status);
    const next = { runs: " · runs on Run", dropped: " · edited out: goes on Run" }[job.next] || "";
    parts.cell.dataset.next = job.next || "";
    parts.status.textContent = (job.task_id ? `${word} · ${job.task_id}` : word) + next;
    if (job.progress >= 0) parts.bar.value = job.progress;
    else parts.bar.removeAttribute("value");
    parts.bar.hidden = ["planned", "skipped", "completed", "failed"].includes(job.status);
    parts.error.textContent = job.error;
    parts.error.hidden = !job.error;
    parts.rerun.hidden = !job.can_rerun;
    parts.rerun.disabled = model.get("running");
    parts.star.hidden = !job.has_video;
    parts.star.textContent = job.favourite ? "★" : "☆";
    parts.star.setAttribute("aria-pressed", job.favourite ? "true" : "false");
    parts.pick.parentElement.hidden = !job.has_video;
    parts.pick.checked = compared.has(job.index);
    if (job.has_video && parts.key !== job.video_key) {
      parts.thumb = thumbFor(lab, job);
      parts.media.replaceChildren(parts.thumb);
      parts.key = job.video_key;
    } else if (!job.has_video && parts.thumb) {
      parts.media.replaceChildren();
      parts.thumb = null;
      parts.key = "";
    }
    want(lab, job);
  }
  for (const [index] of cells) if (!seen.has(index)) cells.delete(index);
  forgetThumbs(lab, jobs);
  const current = [...grid.children];
  if (current.length !== order.length || current.some((node, i) => node !== order[i])) {
    grid.replaceChildren(...order);
  }
}
function showThumb(lab, msg, buffers) {
  const { urls, cells } = lab;
  if (!msg || msg.type !== "thumb" || !buffers || !buffers.length) return;
  const showing = [...cells.values()].filter((parts) => parts.key === msg.key);
  if (!showing.length || urls.has(msg.key)) return;
  const url = bufferUrl(buffers[0], msg.mime || "image/jpeg");
  urls.set(msg.key, url);
  for (const parts of showing) if (parts.thumb) parts.thumb.src = url;
}

// sora_widgets/widgets/static/prompt_lab.js
function layoutResults(wrap) {
  const grid = h("div", { class: "sw-lab-grid", role: "list", "aria-label": "Jobs" });
  const compareAll = h("button", { type: "button", class: "sw-btn", title: "Compare every finished video", text: "Compare all finished" });
  const exportCsv = h("button", { type: "button", class: "sw-btn sw-lab-export", title: "Download every job as CSV", text: "Export CSV" });
  const exportJson = h("button", { type: "button", class: "sw-btn sw-lab-export", title: "Download every job as JSON", text: "Export JSON" });
  wrap.append(h("div", { class: "sw-lab-row" }, [h("strong", { text: "Jobs" }), compareAll, exportCsv, exportJson]), grid);
  const timelineImg = h("div", { class: "sw-lab-timeline", role: "img", "aria-label": "Batch timeline: when each job was queued, ran and finished" });
  const timelineBox = h("section", { class: "sw-lab-timelinebox", "aria-label": "Batch timeline" }, [h("strong", { text: "Timeline" }), timelineImg]);
  wrap.append(timelineBox);
  const compareView = h("section", { class: "sw-lab-compare-view", "aria-label": "Compare the finished videos" });
  wrap.append(compareView);
  return { grid, compareAll, exportCsv, exportJson, timelineImg, timelineBox, compareView };
}
function wireResults(model, results, on) {
  const { compareAll, exportCsv, exportJson } = results;
  on(exportCsv, "click", () => model.send({ type: "export", format: "csv" }));
  on(exportJson, "click", () => model.send({ type: "export", format: "json" }));
  on(compareAll, "click", () => {
    const done = model.get("jobs").filter((j) => j.has_video).map((j) => j.index);
    model.send({ type: "compare", indexes: done });
  });
}
function mountPromptLab({ model, el: root }) {
  const releaseKeys = keepKeys(root);
  const wrap = h("div", { class: "sw-root sw-lab", role: "region", "aria-label": "Prompt Lab" });
  root.append(wrap);
  const ui = defineControls(model);
  wrap.append(ui.section);
  const results = layoutResults(wrap);
  const stopCompare = mountLabCompare(model, results.compareView);
  const handlers = [];
  const on = (node, type, fn) => handlers.push(listen(node, type, fn));
  wireDefinition(model, ui, on);
  wireResults(model, results, on);
  const lab = jobsState(model, results.grid, on);
  function onMessage(msg, buffers) {
    if (msg && msg.type === "download" && buffers && buffers.length) {
      download(wrap, msg, buffers);
      return;
    }
    showThumb(lab, msg, buffers);
  }
  const draws = {
    definition: () => drawDefinition(model, ui),
    summary: () => drawSummary(model, ui),
    jobs: () => drawJobs(lab),
    timeline: () => drawTimeline(model, results.timelineBox, results.timelineImg)
  };
  const unbind = [
    onTraits(model, ["mode", "template", "slots", "prompts", "sizes", "seconds", "budget", "concurrency"], draws.definition),
    onTraits(model, ["summary", "running", "spent", "message", "error"], draws.summary),
    onTraits(model, ["jobs", "running", "compare_indexes"], draws.jobs),
    onTraits(model, ["timeline"], draws.timeline)
  ];
  model.on("msg:custom", onMessage);
  for (const draw2 of Object.values(draws)) draw2();
  return () => {
    stopCompare();
    releaseKeys();
    for (const undo of unbind) undo();
    model.off("msg:custom", onMessage);
    for (const undo of handlers) undo();
    releaseJobs(lab);
  };
}
var prompt_lab_default = { render: mountPromptLab };
export {
  prompt_lab_default as default,
  mountPromptLab
};
