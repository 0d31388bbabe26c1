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
var KEEP_KEYS_IN = "input, textarea, select, button, video, [contenteditable]";
var KEY_EVENTS = ["keydown", "keypress", "keyup"];
function keepKeys(root) {
  const stop = (event) => {
    if (event.key === "Escape") return;
    const control = event.target instanceof Element ? event.target.closest(KEEP_KEYS_IN) : null;
    if (control && root.contains(control)) event.stopPropagation();
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
function labelled(text, control, fieldClass = "sw-field") {
  if (!control.id) control.id = uid("sw-f");
  return h("div", { class: fieldClass }, [h("label", { for: control.id, text }), control]);
}
function listen(node, type, fn, options) {
  node.addEventListener(type, fn, options);
  return () => node.removeEventListener(type, fn, options);
}
function choiceOptions(choices) {
  return choices.map((c) => h("option", { value: String(c.id), text: String(c.label) }));
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

// sora_widgets/widgets/static/player_playback.js
var PLAYING_SEEK_TOLERANCE_S = 0.25;
var PAUSED_SEEK_TOLERANCE_S = 0.01;
var CONTROLLED = ["playing", "muted", "loop", "current_time"];
function seekTo(video, target) {
  const tolerance = video.paused ? PAUSED_SEEK_TOLERANCE_S : PLAYING_SEEK_TOLERANCE_S;
  if (Math.abs(target - video.currentTime) > tolerance) video.currentTime = target;
}
function playOrPause(model, video, wanted) {
  const want2 = typeof wanted === "boolean" ? wanted : model.get("playing");
  if (want2 && video.paused && video.src) {
    video.play().catch((err) => {
      model.set("playing", false);
      model.set("error", `The browser would not start playback (${err.name}); press play or mute first.`);
      model.save_changes();
    });
  } else if (!want2 && !video.paused) {
    video.pause();
  }
}
function playbackSync(model, video) {
  let reporting = false;
  function report(changes) {
    reporting = true;
    try {
      for (const [key, value] of Object.entries(changes)) model.set(key, value);
    } finally {
      reporting = false;
    }
    model.save_changes();
  }
  const applyPlaying = (wanted) => playOrPause(model, video, wanted);
  const applyTime = () => seekTo(video, model.get("current_time"));
  function acknowledge(msg) {
    if (typeof msg.seq !== "number") return;
    const changes = { _ack: msg.seq };
    for (const key of CONTROLLED) if (key in msg) changes[key] = msg[key];
    reporting = true;
    try {
      for (const key of Object.keys(changes)) model.set(key, null, { silent: true });
    } finally {
      reporting = false;
    }
    report(changes);
  }
  function control(msg) {
    if ("muted" in msg) video.muted = msg.muted;
    if ("loop" in msg) video.loop = msg.loop;
    if ("current_time" in msg) {
      video.currentTime = msg.current_time;
    }
    if ("playing" in msg) applyPlaying(msg.playing);
    acknowledge(msg);
  }
  const followPlaying = () => {
    if (!reporting && video.readyState >= 1) applyPlaying();
  };
  const followTime = () => {
    if (!reporting && video.readyState >= 1) applyTime();
  };
  const listeners = videoListeners(model, video, { report, applyTime, applyPlaying });
  for (const [name, fn] of Object.entries(listeners)) video.addEventListener(name, fn);
  model.on("change:playing", followPlaying);
  model.on("change:current_time", followTime);
  return {
    control,
    dispose() {
      for (const [name, fn] of Object.entries(listeners)) video.removeEventListener(name, fn);
      model.off("change:playing", followPlaying);
      model.off("change:current_time", followTime);
    }
  };
}
function videoListeners(model, video, { report, applyTime, applyPlaying }) {
  return {
    play: () => model.get("playing") || report({ playing: true }),
    pause: () => model.get("playing") && report({ playing: false, current_time: video.currentTime }),
    ended: () => model.get("playing") && report({ playing: false }),
    timeupdate: () => {
      const now = video.currentTime;
      if (Math.abs(model.get("current_time") - now) >= 0.2) report({ current_time: now });
    },
    seeked: () => report({ current_time: video.currentTime }),
    volumechange: () => video.muted !== model.get("muted") && report({ muted: video.muted }),
    loadedmetadata: () => {
      const duration = Number.isFinite(video.duration) ? video.duration : 0;
      if (video.readyState >= 2) report({ duration });
      else video.addEventListener("loadeddata", () => report({ duration }), { once: true });
      applyTime();
      applyPlaying();
    },
    error: () => {
      const code = video.error ? video.error.code : 0;
      model.send({ type: "media_error", message: `media error ${code}` });
    }
  };
}

// sora_widgets/widgets/static/player_strip.js
function mountFilmstrip(model, stage, video) {
  const strip = h("img", { class: "sw-player-filmstrip", alt: "", title: "Click a still to go there" });
  strip.hidden = true;
  stage.after(strip);
  let stripUrl = null;
  let stripTimes = [];
  let stripAsked = -1;
  function askStrip() {
    const version = model.get("version");
    if (stripAsked !== version) {
      strip.hidden = true;
      stripTimes = [];
    }
    if (!model.get("show_filmstrip") || !model.get("has_video") || model.get("compact") || stripAsked === version) return;
    stripAsked = version;
    model.send({ type: "want_filmstrip", version });
  }
  function onStrip(msg, buffers) {
    if (msg.type !== "filmstrip" || !buffers?.length || msg.version !== model.get("version")) return;
    if (stripUrl) URL.revokeObjectURL(stripUrl);
    stripUrl = bufferUrl(buffers[0], "image/jpeg");
    stripTimes = msg.times || [];
    strip.src = stripUrl;
    strip.alt = `Filmstrip: ${stripTimes.length} stills from 0 to ${(stripTimes.at(-1) || 0).toFixed(1)} s`;
    strip.hidden = !model.get("show_filmstrip");
  }
  function onStripClick(event) {
    if (!stripTimes.length) return;
    const box = strip.getBoundingClientRect();
    const column = Math.min(stripTimes.length - 1, Math.max(0, Math.floor((event.clientX - box.left) / box.width * stripTimes.length)));
    video.currentTime = stripTimes[column];
  }
  const stopClick = listen(strip, "click", onStripClick);
  model.on("msg:custom", onStrip);
  const stopAsking = onTraits(model, ["version", "has_video", "show_filmstrip", "compact"], askStrip);
  askStrip();
  return () => {
    stopClick();
    model.off("msg:custom", onStrip);
    stopAsking();
    if (stripUrl) URL.revokeObjectURL(stripUrl);
  };
}

// sora_widgets/widgets/static/player.js
var pushedVideos = /* @__PURE__ */ new Map();
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1e4);
}
function layoutPlayer(el) {
  const video = h("video", { class: "sw-player-video", controls: "", playsinline: "", preload: "auto" });
  const placeholder = h("div", { class: "sw-player-placeholder sw-muted", text: "No video yet" });
  const stage = h("div", { class: "sw-player-stage" }, [video, placeholder]);
  const caption = h("div", { class: "sw-player-caption" });
  const prompt = h("p", { class: "sw-player-prompt" });
  const facts = h("dl", { class: "sw-player-facts" });
  const sim = h("span", { class: "sw-badge-sim", text: "simulated", title: "Made by the built-in simulator, not the real service" });
  const download = h("button", { class: "sw-btn", type: "button", text: "Download" });
  const remix = h("button", { class: "sw-btn", type: "button", text: "Remix" });
  const actions = h("div", { class: "sw-player-actions" }, [download, remix]);
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const meta = h("div", { class: "sw-player-meta" }, [prompt, facts, sim, actions]);
  const root = h("div", { class: "sw-root sw-player" }, [stage, caption, meta, alert]);
  el.append(root);
  return { video, placeholder, stage, caption, prompt, facts, sim, download, remix, alert, meta, root };
}
function paintPlayer(model, ui) {
  const { root, video, facts, caption, placeholder, alert } = ui;
  const fact = (term, value) => {
    if (!value) return;
    facts.append(h("dt", { text: term }), h("dd", { text: value }));
  };
  const compact = model.get("compact");
  root.classList.toggle("sw-compact", compact);
  const size = model.get("size");
  const [w, hgt] = size.split("x").map(Number);
  root.dataset.orientation = hgt > w ? "portrait" : "landscape";
  const text = model.get("prompt");
  ui.prompt.textContent = text;
  video.setAttribute("aria-label", text ? `Video: ${text}` : "Video");
  facts.replaceChildren();
  fact("Size", size.replace("x", " × "));
  const secs = model.get("seconds");
  fact("Length", secs ? `${secs} s` : "");
  fact("Cost", model.get("cost"));
  fact("Model", model.get("video_model"));
  fact("Task id", model.get("task_id"));
  fact("Remix of", model.get("remix_of"));
  caption.textContent = model.get("caption") || (compact ? text : "");
  caption.hidden = !caption.textContent;
  caption.title = text;
  ui.sim.hidden = !model.get("simulated");
  ui.remix.hidden = !model.get("show_remix");
  ui.download.disabled = !model.get("has_video");
  placeholder.hidden = model.get("has_video") || model.get("_embedded")?.byteLength > 0;
  video.hidden = !placeholder.hidden;
  ui.meta.hidden = compact || !model.get("task_id");
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
}
function videoSource(video) {
  const source = {
    url: null,
    loadedVersion: -1,
    setBlob(blob, version) {
      if (source.url) URL.revokeObjectURL(source.url);
      source.url = URL.createObjectURL(blob);
      source.loadedVersion = version;
      video.src = source.url;
    },
    setBytes(bytes, mime, version) {
      source.setBlob(new Blob([bytes], { type: mime || "video/mp4" }), version);
    }
  };
  return source;
}
function useKnownBytes(model, source) {
  const data = model.get("_embedded");
  if (data && data.byteLength > 0 && source.loadedVersion !== model.get("version")) {
    source.setBytes(bufferBytes(data), "video/mp4", model.get("version"));
  }
}
function takePushed(model, source) {
  const pushed = pushedVideos.get(model.get("_key"));
  if (pushed) {
    pushedVideos.delete(model.get("_key"));
    if (pushed.version === model.get("version") && source.loadedVersion !== pushed.version) {
      source.setBlob(pushed.blob, pushed.version);
    }
  }
}
function sayReady(model, video, source) {
  let readySent = false;
  const sendReady = () => {
    if (readySent) return;
    readySent = true;
    model.send({ type: "ready", have: source.loadedVersion, seq: model.get("_control_seq") || 0 });
  };
  if (source.loadedVersion === model.get("version")) {
    video.addEventListener("loadeddata", sendReady, { once: true });
    video.addEventListener("error", sendReady, { once: true });
    setTimeout(sendReady, 2e3);
  } else {
    sendReady();
  }
}
function mountPlayer({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutPlayer(el);
  const { video } = ui;
  const source = videoSource(video);
  const playback = playbackSync(model, video);
  function onMessage(msg, buffers) {
    if (msg.type === "video" && buffers?.length) {
      if (msg.version !== source.loadedVersion) source.setBytes(bufferBytes(buffers[0]), msg.mime, msg.version);
    } else if (msg.type === "control") {
      playback.control(msg);
    } else if (msg.type === "file" && buffers?.length) {
      saveBlob(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "video/mp4" }), msg.name || "video.mp4");
    }
  }
  const paint = () => paintPlayer(model, ui);
  const useEmbedded = () => useKnownBytes(model, source);
  const stopDownload = listen(ui.download, "click", () => model.send({ type: "download" }));
  const stopRemix = listen(ui.remix, "click", () => model.send({ type: "remix" }));
  model.on("msg:custom", onMessage);
  model.on("change", paint);
  model.on("change:_embedded", useEmbedded);
  paint();
  video.muted = model.get("muted");
  video.loop = model.get("loop");
  useEmbedded();
  takePushed(model, source);
  sayReady(model, video, source);
  const stopStrip = mountFilmstrip(model, ui.stage, video);
  return () => {
    stopStrip();
    releaseKeys();
    playback.dispose();
    stopDownload();
    stopRemix();
    model.off("msg:custom", onMessage);
    model.off("change", paint);
    model.off("change:_embedded", useEmbedded);
    video.pause();
    video.removeAttribute("src");
    video.load();
    if (source.url) URL.revokeObjectURL(source.url);
    source.url = null;
    source.loadedVersion = -1;
    el.replaceChildren();
  };
}

// sora_widgets/widgets/static/strip.js
var NEAR_PX = 300;
var WANT_BATCH = 64;
var FRAME_TRAITS = ["arrangement", "label", "empty_text"];
function layoutStrip(el) {
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  return { heading, list, empty, root };
}
function stripState(model, ui) {
  const st = { model, ui, tiles: /* @__PURE__ */ new Map(), wanted: /* @__PURE__ */ new Set(), wantTimer: null, selectedKey: null };
  st.observer = watchTiles(st);
  return st;
}
function sendWanted(st) {
  st.wantTimer = null;
  const keys = [...st.wanted];
  st.wanted = /* @__PURE__ */ new Set();
  for (let i = 0; i < keys.length; i += WANT_BATCH) st.model.send({ type: "want", keys: keys.slice(i, i + WANT_BATCH) });
}
function want(st, key) {
  st.wanted.add(key);
  if (st.wantTimer === null) st.wantTimer = setTimeout(() => sendWanted(st), 16);
}
function showImage(tile) {
  tile.thumb.replaceChildren(h("img", { src: tile.url, alt: "" }));
}
function dropImage(model, tile) {
  if (tile.url) URL.revokeObjectURL(tile.url);
  tile.url = null;
  tile.thumb.replaceChildren(h("span", { class: "sw-strip-status", text: tile.item.thumb ? "…" : statusWord(model, tile.item.status) }));
}
function watchTiles(st) {
  if (typeof IntersectionObserver !== "function") return null;
  return new IntersectionObserver(
    (records) => {
      for (const record of records) {
        const tile = st.tiles.get(record.target.dataset.key);
        if (!tile) continue;
        tile.visible = record.isIntersecting;
        if (tile.visible && tile.item.thumb && !tile.url) want(st, tile.item.key);
        else if (!tile.visible && tile.url) dropImage(st.model, tile);
      }
    },
    { rootMargin: `${NEAR_PX}px` }
  );
}
function buildTile(st, item) {
  const { model, observer } = st;
  const thumb = h("div", { class: "sw-strip-thumb" });
  const node = h(
    "button",
    { class: "sw-strip-tile", type: "button", role: "listitem", "data-key": item.key, "data-status": item.status, title: item.title },
    [thumb, h("span", { class: "sw-strip-title", text: item.title }), h("span", { class: "sw-strip-sub sw-muted", text: item.subtitle })]
  );
  node.setAttribute("aria-label", `${item.title} (${item.subtitle || statusWord(model, item.status)})`);
  if (item.portrait) node.classList.add("sw-portrait");
  node.addEventListener("click", () => model.send({ type: "select", key: item.key }));
  const tile = { node, thumb, item, sig: JSON.stringify(item), visible: !observer, url: null };
  dropImage(model, tile);
  if (observer) observer.observe(node);
  else if (item.thumb) want(st, item.key);
  return tile;
}
function forget(st, key) {
  const tile = st.tiles.get(key);
  if (!tile) return;
  if (st.observer) st.observer.unobserve(tile.node);
  if (tile.url) URL.revokeObjectURL(tile.url);
  tile.node.remove();
  st.tiles.delete(key);
}
function paintItems(st) {
  const { tiles, ui } = st;
  const items = st.model.get("items");
  const keys = new Set(items.map((i) => i.key));
  for (const key of [...tiles.keys()]) if (!keys.has(key)) forget(st, key);
  let cursor = ui.list.firstChild;
  for (const item of items) {
    let tile = tiles.get(item.key);
    const sig = JSON.stringify(item);
    if (tile && tile.sig !== sig) {
      forget(st, item.key);
      tile = null;
    }
    if (!tile) {
      tile = buildTile(st, item);
      tiles.set(item.key, tile);
    }
    if (tile.node === cursor) cursor = cursor.nextSibling;
    else ui.list.insertBefore(tile.node, cursor);
  }
  ui.empty.hidden = items.length > 0;
  paintSelected(st);
}
function paintSelected(st) {
  const key = st.model.get("selected");
  for (const k of [st.selectedKey, key]) {
    const tile = st.tiles.get(k);
    if (!tile) continue;
    tile.node.classList.toggle("sw-selected", k === key);
    if (k === key) tile.node.setAttribute("aria-current", "true");
    else tile.node.removeAttribute("aria-current");
  }
  st.selectedKey = key;
}
function paintFrame(model, ui) {
  ui.root.dataset.arrangement = model.get("arrangement");
  ui.heading.textContent = model.get("label");
  ui.heading.hidden = !ui.heading.textContent;
  ui.list.setAttribute("aria-label", model.get("label") || "Results");
  ui.empty.textContent = model.get("empty_text");
}
function takeThumb(st, msg, buffers) {
  if (msg.type === "thumb" && buffers?.length) {
    const tile = st.tiles.get(msg.key);
    if (!tile || !tile.visible) return;
    if (tile.url) URL.revokeObjectURL(tile.url);
    tile.url = bufferUrl(buffers[0], msg.mime);
    showImage(tile);
  }
}
function mountStrip({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStrip(el);
  const st = stripState(model, ui);
  const onItems = () => paintItems(st);
  const onSelected = () => paintSelected(st);
  const onFrame = () => paintFrame(model, ui);
  const onMessage = (msg, buffers) => takeThumb(st, msg, buffers);
  model.on("change:items", onItems);
  model.on("change:selected", onSelected);
  for (const name of FRAME_TRAITS) model.on(`change:${name}`, onFrame);
  model.on("msg:custom", onMessage);
  onFrame();
  onItems();
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    model.off("change:items", onItems);
    model.off("change:selected", onSelected);
    for (const name of FRAME_TRAITS) model.off(`change:${name}`, onFrame);
    model.off("msg:custom", onMessage);
    if (st.observer) st.observer.disconnect();
    if (st.wantTimer !== null) clearTimeout(st.wantTimer);
    for (const tile of st.tiles.values()) if (tile.url) URL.revokeObjectURL(tile.url);
    st.tiles.clear();
    el.replaceChildren();
  };
}

// sora_widgets/widgets/static/gallery.js
var GALLERY_TRAITS = [
  "status",
  "model",
  "model_choices",
  "search",
  "count",
  "unfinished",
  "can_resume",
  "busy",
  "error",
  "detail",
  "detail_title"
];
function layoutGallery(model, el) {
  const status = h("select");
  for (const [value, text] of model.get("status_choices")) status.append(h("option", { value, text }));
  const modelSelect = h("select");
  const search = h("input", { type: "search", placeholder: "words in the prompt or task id" });
  const refresh = h("button", { class: "sw-btn", type: "button", text: "Refresh" });
  const resume = h("button", { class: "sw-btn", type: "button", text: "Resume unfinished" });
  const count = h("span", { class: "sw-gal-count sw-muted", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const detailTitle = h("h4", { class: "sw-gal-detail-title" });
  const detailList = h("dl", { class: "sw-gal-detail-list" });
  const detail = h("section", { class: "sw-gal-detail", "aria-label": "Request details" }, [detailTitle, detailList]);
  const stripBox = h("div", { class: "sw-gal-strip" });
  const playerBox = h("div", { class: "sw-gal-player" });
  const root = h("div", { class: "sw-root sw-gallery" }, [
    h("div", { class: "sw-gallery-controls" }, [
      h("div", { class: "sw-gal-bar" }, [
        h("strong", { class: "sw-gal-title", text: "History" }),
        labelled("Status", status, "sw-gal-field"),
        labelled("Model", modelSelect, "sw-gal-field"),
        labelled("Search", search, "sw-gal-field"),
        refresh,
        resume,
        count
      ]),
      alert,
      detail
    ])
  ]);
  el.append(root);
  return { status, modelSelect, search, refresh, resume, count, alert, detailTitle, detailList, detail, stripBox, playerBox, root };
}
function wireFilters(model, ui) {
  const { status, modelSelect, search } = ui;
  return [
    listen(status, "change", () => save(model, "status", status.value)),
    listen(modelSelect, "change", () => save(model, "model", modelSelect.value)),
    listen(search, "input", () => save(model, "search", search.value)),
    listen(ui.refresh, "click", () => model.send({ type: "refresh" })),
    listen(ui.resume, "click", () => model.send({ type: "resume" }))
  ];
}
function paintGallery(model, ui) {
  const { modelSelect, search, resume, alert, detail } = ui;
  ui.status.value = model.get("status");
  const choices = model.get("model_choices");
  if (choices !== ui.shownChoices) {
    ui.shownChoices = choices;
    modelSelect.replaceChildren(h("option", { value: "", text: "All models" }), ...choiceOptions(choices));
  }
  modelSelect.value = model.get("model");
  if (search.value !== model.get("search")) search.value = model.get("search");
  ui.count.textContent = model.get("count");
  const unfinished = model.get("unfinished");
  const busy = model.get("busy");
  resume.hidden = !model.get("can_resume");
  resume.disabled = busy || unfinished === 0;
  resume.textContent = busy ? "Resuming…" : unfinished ? `Resume unfinished (${unfinished})` : "Resume unfinished";
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  const rows = model.get("detail");
  ui.detailTitle.textContent = model.get("detail_title");
  ui.detailList.replaceChildren(...rows.flatMap(([term, value]) => [h("dt", { text: term }), h("dd", { text: value })]));
  detail.hidden = rows.length === 0;
  ui.playerBox.hidden = rows.length > 0;
}
function watchOnClick(stripBox, playerBox) {
  let watchNext = false;
  return [
    listen(stripBox, "click", (event) => {
      if (event.target instanceof Element && event.target.closest(".sw-strip-tile")) watchNext = true;
    }),
    listen(playerBox, "loadeddata", (event) => {
      if (!watchNext || !(event.target instanceof HTMLVideoElement)) return;
      watchNext = false;
      playerBox.scrollIntoView({ block: "nearest", behavior: "auto" });
      event.target.play().catch(() => {
      });
    }, true)
    // media events do not bubble: listened to on the way down
  ];
}
async function mountGallery({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutGallery(model, el);
  const undo = [releaseKeys, ...wireFilters(model, ui)];
  const paint = () => paintGallery(model, ui);
  undo.push(onTraits(model, GALLERY_TRAITS, paint));
  paint();
  const [stripModel, playerModel] = await Promise.all([childModel(model, "strip"), childModel(model, "player")]);
  undo.push(mountStrip({ model: stripModel, el: ui.stripBox }));
  undo.push(mountPlayer({ model: playerModel, el: ui.playerBox }));
  ui.root.append(ui.stripBox, ui.playerBox);
  undo.push(...watchOnClick(ui.stripBox, ui.playerBox));
  return () => {
    for (const fn of undo.reverse()) if (typeof fn === "function") fn();
    el.replaceChildren();
  };
}
var gallery_default = { render: mountGallery };
export {
  GALLERY_TRAITS,
  gallery_default as default,
  mountGallery
};
