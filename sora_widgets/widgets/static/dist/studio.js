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
function isCtrlEnter(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}
function setUnavailable(node, off) {
  node.dataset.unavailable = String(off);
  node.disabled = off;
}
function unavailable(node) {
  return node.dataset.unavailable === "true";
}
function imageUpload(model, on, { fields = {}, props = {}, chooseText }) {
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/*", ...props });
  on(file, "change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const data = await chosen.arrayBuffer();
    const extra = typeof fields === "function" ? fields() : fields;
    model.send({ type: "upload", ...extra, name: chosen.name, mime: chosen.type }, void 0, [data]);
    file.value = "";
  });
  const choose = h("button", { class: "sw-btn", type: "button", text: chooseText });
  on(choose, "click", () => file.click());
  return { file, choose };
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
var KERNEL_GONE = /* @__PURE__ */ new Set(["restarting", "autorestarting", "dead"]);
function showWhenDisconnected(model, el, root, notice) {
  const mark = () => {
    notice.hidden = false;
    root.classList.add("sw-disconnected");
    for (const part of root.children) if (part !== notice) part.inert = true;
  };
  const onStatus = (_kernel, status) => {
    if (KERNEL_GONE.has(status)) mark();
  };
  let timer = null;
  const onLive = () => {
    timer = setTimeout(() => el.closest(".jupyter-widgets-disconnected") && mark(), 0);
  };
  const kernel = model.widget_manager?.kernel;
  const signal = kernel?.statusChanged;
  if (signal && typeof signal.connect === "function") signal.connect(onStatus);
  model.on("comm_live_update", onLive);
  return () => {
    clearTimeout(timer);
    if (signal && typeof signal.disconnect === "function") signal.disconnect(onStatus);
    model.off("comm_live_update", onLive);
  };
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
  const paint2 = () => paintPlayer(model, ui);
  const useEmbedded = () => useKnownBytes(model, source);
  const stopDownload = listen(ui.download, "click", () => model.send({ type: "download" }));
  const stopRemix = listen(ui.remix, "click", () => model.send({ type: "remix" }));
  model.on("msg:custom", onMessage);
  model.on("change", paint2);
  model.on("change:_embedded", useEmbedded);
  paint2();
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
    model.off("change", paint2);
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

// sora_widgets/widgets/static/builder_form.js
var SHOT_FIELDS = [
  ["shot_type", "Shot type", "e.g. Wide shot"],
  ["subject", "Subject", "e.g. a red kite"],
  ["action", "Action", "e.g. gliding over the waves"],
  ["setting", "Setting", "e.g. a beach at dusk"],
  ["lighting", "Lighting", "e.g. warm backlight"],
  ["camera", "Camera movement", "e.g. slow dolly in"]
];
var RESYNC_IDLE_MS = 300;
var RESYNC_RETRY_MS = 2e3;
var FORM_KEYS = ["text", ...SHOT_FIELDS.map(([trait]) => trait), "orientation", "seconds", "fit_mode", "remix_id", "model", "values"];
function formSync(model) {
  const viewId = uid("sw-pb-view");
  let localSeq = 0;
  let ackedSeq = 0;
  let idleTimer = null;
  let lastSent = 0;
  let sent = null;
  let page = {};
  const ahead = () => localSeq !== ackedSeq;
  const form = () => ({ ...page });
  const keepPage = FORM_KEYS.map((key) => {
    const restore = () => {
      if (ahead() && key in page && model.get(key) !== page[key]) model.set(key, page[key]);
    };
    model.on(`change:${key}`, restore);
    return () => model.off(`change:${key}`, restore);
  });
  function sendForm() {
    idleTimer = null;
    if (!ahead()) return;
    lastSent = Date.now();
    sent = { seq: localSeq, form: form() };
    model.send({ type: "form", view: viewId, seq: sent.seq, form: sent.form });
  }
  function edited() {
    localSeq += 1;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(sendForm, RESYNC_IDLE_MS);
  }
  function set(trait, value) {
    page[trait] = value;
    save(model, trait, value);
    edited();
  }
  const retry = setInterval(() => {
    if (ahead() && idleTimer === null && Date.now() - lastSent >= RESYNC_RETRY_MS) sendForm();
  }, RESYNC_RETRY_MS / 2);
  function acknowledged(msg) {
    if (msg.view !== viewId) return false;
    ackedSeq = Math.min(localSeq, Math.max(ackedSeq, Number(msg.seq) || 0));
    if (ahead()) return false;
    page = {};
    if (!sent || sent.seq !== ackedSeq) return false;
    for (const [key, value] of Object.entries(sent.form)) if (model.get(key) !== value) model.set(key, value);
    return true;
  }
  return {
    ahead,
    set,
    form,
    acknowledged,
    // The form was cleared: what it holds now is the kernel's to say.
    forget: () => {
      localSeq = ackedSeq;
      page = {};
    },
    dispose() {
      clearInterval(retry);
      if (idleTimer !== null) clearTimeout(idleTimer);
      keepPage.forEach((off) => off());
    }
  };
}

// sora_widgets/widgets/static/builder_parts.js
function modelPart(pb) {
  const modelSelect = h("select", { class: "sw-pb-model" });
  pb.on(modelSelect, "change", () => pb.sync.set("model", modelSelect.value));
  const modelField = labelled("Model", modelSelect, "sw-pb-field sw-pb-modelfield");
  const modelNote = h("div", { class: "sw-muted sw-pb-modelnote" });
  modelField.append(modelNote);
  return { modelSelect, modelField, modelNote };
}
function promptPart(pb) {
  const bindText = (node, trait) => pb.on(node, "input", () => pb.sync.set(trait, node.value));
  const text = h("textarea", { class: "sw-pb-text", rows: "3", placeholder: "Describe one shot: type, subject, action, setting, lighting, camera movement" });
  bindText(text, "text");
  const promptField = labelled("Prompt", text, "sw-pb-field sw-pb-prompt");
  const hint = h("div", { class: "sw-pb-hint", role: "status" });
  text.before(hint);
  const shotInputs = {};
  const shotGrid = h("div", { class: "sw-pb-grid" });
  for (const [trait, label, hint2] of SHOT_FIELDS) {
    const input = h("input", { type: "text", placeholder: hint2 });
    bindText(input, trait);
    shotInputs[trait] = input;
    shotGrid.append(labelled(label, input, "sw-pb-field"));
  }
  const details = h("details", { class: "sw-pb-details" }, [h("summary", { text: "Shot details (optional)" }), shotGrid]);
  const composed = h("div", { class: "sw-pb-composed" });
  const composedLabel = h("span", { class: "sw-muted", text: "Will be sent: " });
  const composedText = h("span");
  composed.append(composedLabel, composedText);
  return { text, promptField, hint, shotInputs, details, composed, composedText };
}
function radioGroup(pb, legend, name, options, trait, parse = (v) => v) {
  const { model } = pb;
  const fieldset = h("fieldset", { class: "sw-pb-radios" }, [h("legend", { text: legend })]);
  const inputs = [];
  const group = uid(`sw-pb-${name}`);
  for (const [value, text] of options) {
    const input = h("input", { type: "radio", name: group, value: String(value) });
    pb.on(input, "change", () => {
      if (input.checked) pb.sync.set(trait, parse(input.value));
    });
    inputs.push(input);
    fieldset.append(h("label", { class: "sw-pb-radio" }, [input, document.createTextNode(text)]));
  }
  return { fieldset, sync: () => inputs.forEach((i) => i.checked = String(model.get(trait)) === i.value) };
}
function sizePart(pb) {
  const orientations = pb.model.get("_catalog").sizes.map(({ orientation, label }) => [orientation, label]);
  const part = { orientation: radioGroup(pb, "Orientation", "orient", orientations, "orientation"), seconds: null };
  part.secondsHolder = h("div");
  part.buildSeconds = () => {
    const options = pb.model.get("seconds_options").map((s) => [s, `${s} s`]);
    part.seconds = radioGroup(pb, "Length", "secs", options, "seconds", (v) => Number(v));
    part.secondsHolder.replaceChildren(part.seconds.fieldset);
  };
  part.buildSeconds();
  return part;
}
function imagePart(pb) {
  const { file, choose: chooseFile } = imageUpload(pb.model, pb.on, { props: { class: "sw-pb-file" }, chooseText: "Choose image…" });
  file.tabIndex = -1;
  const fileField = labelled("Reference image (optional)", file, "sw-pb-field");
  file.after(chooseFile);
  const fit = radioGroup(pb, "Fit to size", "fit", [["cover", "Cover (crop)"], ["letterbox", "Letterbox (pad)"]], "fit_mode");
  const removeImage = h("button", { class: "sw-btn", type: "button", text: "Remove image" });
  pb.on(removeImage, "click", () => pb.model.send({ type: "clear_image" }));
  const preview = h("img", { class: "sw-pb-preview", alt: "Reference image as it will be sent" });
  const imageLabel = h("div", { class: "sw-muted" });
  const imageNotes = h("ul", { class: "sw-pb-notes" });
  const imageInfo = h("div", { class: "sw-pb-imageinfo" }, [imageLabel, imageNotes, fit.fieldset, removeImage]);
  const imageBox = h("div", { class: "sw-pb-image" }, [preview, imageInfo]);
  return { fileField, fit, preview, imageLabel, imageNotes, imageBox };
}
function remixPart(pb) {
  const remix = h("select", {});
  pb.on(remix, "change", () => pb.sync.set("remix_id", remix.value));
  return { remix, remixField: labelled("Remix of", remix, "sw-pb-field") };
}
function actionsPart(pb, prompt) {
  const { model, on } = pb;
  const price = h("div", { class: "sw-pb-price", "aria-live": "polite" });
  const problem = h("div", { class: "sw-pb-problem sw-muted" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const generate = h("button", { class: "sw-btn sw-btn-primary", type: "button", text: "Generate" });
  const emptyHint = h("span", { class: "sw-muted sw-pb-empty", text: "Type a prompt to generate" });
  const submit = () => model.send({ type: "submit", form: pb.sync.form() });
  on(generate, "click", submit);
  const repeatNote = h("span", { class: "sw-pb-repeat-note" });
  const again = h("button", { class: "sw-btn", type: "button" });
  on(again, "click", () => model.send({ type: "submit", again: true, form: pb.sync.form() }));
  const repeat = h("div", { class: "sw-pb-repeat", role: "status" }, [repeatNote, again]);
  on(prompt.text, "keydown", (event) => {
    if (isCtrlEnter(event) && model.get("show_generate")) {
      event.preventDefault();
      event.stopPropagation();
      if (!generate.disabled) submit();
    }
  });
  const clear = h("button", { class: "sw-btn sw-pb-clear", type: "button", text: "Clear", title: "Empty the prompt, shot details, image and remix" });
  on(clear, "click", () => {
    for (const node of [prompt.text, ...Object.values(prompt.shotInputs)]) node.value = "";
    pb.sync.forget();
    model.send({ type: "clear" });
  });
  const footer = h("div", { class: "sw-pb-footer" }, [price, h("div", { class: "sw-pb-actions" }, [emptyHint, clear, generate])]);
  return { price, problem, alert, generate, emptyHint, repeatNote, again, repeat, footer };
}

// sora_widgets/widgets/static/coach.js
var COACH_ELEMENTS = [
  ["shot", "Shot"],
  ["subject", "Subject"],
  ["action", "Action"],
  ["setting", "Setting"],
  ["lighting", "Lighting"],
  ["camera", "Camera"]
];
var COACH_WORDS_SHOWN = 3;
function coachChecklist(model, trait = "coach") {
  const items = /* @__PURE__ */ new Map();
  const list = h("ul", { class: "sw-coach-list", "aria-label": "Elements found" });
  for (const [key, label] of COACH_ELEMENTS) {
    const mark = h("span", { class: "sw-coach-mark", "aria-hidden": "true" });
    const words = h("span", { class: "sw-coach-words" });
    const state = h("span", { class: "sw-coach-sr" });
    const li = h("li", { class: "sw-coach-item", "data-element": key }, [mark, h("span", { text: label }), words, state]);
    items.set(key, { li, mark, words, state });
    list.append(li);
  }
  const score = h("span", { class: "sw-coach-score" });
  const split = h("span", { class: "sw-coach-split", text: "⚠ several shots" });
  const advice = h("ul", { class: "sw-coach-advice" });
  const node = h("div", { class: "sw-coach", role: "group", "aria-label": "Coach checklist" }, [
    h("div", { class: "sw-coach-head" }, [h("span", { class: "sw-coach-title", text: "Prompt coach" }), score, list, split]),
    advice
  ]);
  function paint2() {
    const report = model.get(trait) || {};
    const present = report.present || {};
    node.hidden = !report.prompt;
    if (node.hidden) node.style.minHeight = "";
    const readable = report.language === void 0 || report.language === "en";
    list.hidden = !readable;
    score.hidden = !readable;
    let found = 0;
    for (const [key, { li, mark, words, state }] of items) {
      const evidence = Array.isArray(present[key]) ? present[key].map(String) : [];
      const ok = evidence.length > 0;
      if (ok) found += 1;
      li.dataset.present = ok ? "true" : "false";
      mark.textContent = ok ? "✓" : "✗";
      const shown = evidence.slice(0, COACH_WORDS_SHOWN);
      const marks = shown.map((w) => h("mark", { class: "sw-coach-word", text: w }));
      if (evidence.length > shown.length) marks.push(h("span", { class: "sw-coach-more", text: `+${evidence.length - shown.length}` }));
      words.replaceChildren(...marks);
      state.textContent = ok ? "" : " (missing)";
      li.title = ok ? `${key}: ${evidence.join(", ")}` : `${key}: not found`;
    }
    score.textContent = `${found}/6`;
    split.hidden = report.single_purpose !== false;
    split.title = (report.splits || []).join(", ");
    const lines = report.advice || [];
    const current = [...advice.children].map((li) => li.textContent);
    if (current.length !== lines.length || current.some((text, i) => text !== lines[i])) {
      advice.replaceChildren(...lines.map((text) => h("li", { text })));
    }
    keepHeight();
  }
  function keepHeight() {
    const height = node.hidden ? 0 : node.getBoundingClientRect().height;
    if (height > 0) node.style.minHeight = `${Math.ceil(height)}px`;
  }
  model.on(`change:${trait}`, paint2);
  paint2();
  return { node, dispose: () => model.off(`change:${trait}`, paint2) };
}

// sora_widgets/widgets/static/spec_items.js
var ROW_KEY = /^(\d+)\.(.+)$/;
function rowsOf(control, values) {
  const prefix = control.name + ".";
  const rows = [];
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith(prefix)) continue;
    const match = ROW_KEY.exec(key.slice(prefix.length));
    if (match && match[2] === "type") rows.push([Number(match[1]), String(value)]);
  }
  return rows.sort((a, b) => a[0] - b[0]);
}
function hasItems(model) {
  const values = model.get("values");
  return model.get("controls").some((c) => c.kind === "items" && c.takes_prompt && rowsOf(c, values).length > 0);
}
function fieldControl(control, id, n, field2) {
  return { ...field2, name: `${control.name}.${id}.${field2.name}`, label: `Item ${n} ${field2.label.toLowerCase()}` };
}
function tradeRows(mapping, name, a, b) {
  const prefix = name + ".";
  const out = {};
  for (const [key, value] of Object.entries(mapping)) {
    const match = key.startsWith(prefix) ? ROW_KEY.exec(key.slice(prefix.length)) : null;
    const row = match ? Number(match[1]) : null;
    out[row === a || row === b ? `${prefix}${row === a ? b : a}.${match[2]}` : key] = value;
  }
  return out;
}
function moveRow(sc, control, id, step, redraw) {
  const rows = rowsOf(control, sc.model.get("values"));
  const other = rows[rows.findIndex(([rowId]) => rowId === id) + step];
  if (!other) return void 0;
  const to = other[0];
  sc.model.send({ type: "move_item", name: control.name, row: id, to });
  const previews = tradeRows(sc.previews, control.name, id, to);
  for (const slot of Object.keys(sc.previews)) delete sc.previews[slot];
  Object.assign(sc.previews, previews);
  redraw([id, to]);
  sc.set("values", tradeRows(sc.model.get("values"), control.name, id, to));
  return to;
}
function focusMoved(root, to, n, dir) {
  const row = root.querySelector(`[data-row="${to}"]`);
  const button = (d) => row?.querySelector(`[aria-label="Move item ${n} ${d}"]`);
  const target = [button(dir), button(dir === "up" ? "down" : "up")].find((b) => b && !b.disabled);
  target?.focus();
}
function buildRow(sc, control, id, type, n, redraw) {
  const select = h("select", {});
  for (const option of control.types) select.append(h("option", { value: option, text: option }));
  select.value = type;
  sc.listen(select, "change", () => sc.setValues({ [`${control.name}.${id}.type`]: select.value }));
  const moves = ["up", "down"].map((dir) => {
    const text = `Move item ${n} ${dir}`;
    const button = h("button", { class: "sw-btn", type: "button", text: dir === "up" ? "↑" : "↓", title: text, "aria-label": text });
    const step = dir === "up" ? -1 : 1;
    sc.listen(button, "click", () => {
      const root = button.closest(".sw-items-rows");
      const to = moveRow(sc, control, id, step, redraw);
      if (to !== void 0 && root) focusMoved(root, to, n + step, dir);
    });
    return button;
  });
  const ends = (count) => {
    setUnavailable(moves[0], n === 1);
    setUnavailable(moves[1], n === count);
  };
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove item ${n}` });
  const fields = (control.fields[type] || []).map((f) => fieldControl(control, id, n, f));
  sc.listen(remove, "click", () => {
    const gone = {};
    const prefix = `${control.name}.${id}.`;
    for (const key of Object.keys(sc.model.get("values"))) if (key.startsWith(prefix)) gone[key] = null;
    sc.setValues(gone);
  });
  const head = h("div", { class: "sw-items-head" }, [labelled(`Item ${n} type`, select, "sw-pb-field"), ...moves, remove]);
  const row = h("div", { class: "sw-items-row", "data-row": String(id) }, [head]);
  const painters = [];
  for (const field2 of fields) {
    const [node, paint2] = (sc.builders[field2.kind] || sc.builders.text)(sc, field2);
    node.setAttribute("data-name", field2.name);
    row.append(node);
    painters.push([field2.name, paint2]);
  }
  return [row, painters, ends];
}
function placeRows(rows, nodes, root) {
  const focused = activeIn(root);
  const focusName = focused && focused.closest("[data-name]")?.getAttribute("data-name");
  for (const child of [...rows.children]) if (!nodes.includes(child)) child.remove();
  nodes.forEach((row, i) => {
    if (rows.children[i] !== row) rows.insertBefore(row, rows.children[i] || null);
  });
  if (focusName && activeIn(root) !== focused) {
    const name = CSS.escape(focusName);
    rows.querySelector(`[data-name="${name}"] input, [data-name="${name}"] select`)?.focus();
  }
}
function itemsEditor(sc, control) {
  const rows = h("div", { class: "sw-items-rows" });
  const kind = h("select", {});
  for (const option of control.types) kind.append(h("option", { value: option, text: option }));
  const add = h("button", { class: "sw-btn", type: "button", text: "Add item" });
  const full = h("span", { class: "sw-muted" });
  sc.listen(add, "click", () => {
    const shown = rowsOf(control, sc.model.get("values"));
    if (control.max_items && shown.length >= control.max_items) return;
    const id = shown.length ? shown[shown.length - 1][0] + 1 : 0;
    sc.setValues({ [`${control.name}.${id}.type`]: kind.value });
  });
  const bar = h("div", { class: "sw-items-add" }, [labelled("New item type", kind, "sw-pb-field"), add, full]);
  const note = control.takes_prompt ? "The prompt box is sent first, as a text item; these items follow it." : "";
  const title = control.label + (control.required ? " *" : "");
  const noteNode = h("div", { class: "sw-muted", text: note });
  noteNode.hidden = !note;
  const node = h("fieldset", { class: "sw-items" }, [h("legend", { text: title }), noteNode, rows, bar]);
  let drawn = /* @__PURE__ */ new Map();
  let painters = [];
  const redraw = (ids) => {
    for (const key of [...drawn.keys()]) if (ids.includes(Number(key.split(":")[0]))) drawn.delete(key);
  };
  const paint2 = (_value, values) => {
    const now = rowsOf(control, values);
    const next = /* @__PURE__ */ new Map();
    painters = [];
    for (const [i, [id, type]] of now.entries()) {
      const key = `${id}:${type}:${i + 1}`;
      const row = drawn.get(key) || buildRow(sc, control, id, type, i + 1, redraw);
      row[2](now.length);
      next.set(key, row);
      painters.push(...row[1]);
    }
    drawn = next;
    placeRows(rows, [...next.values()].map(([row]) => row), node);
    full.textContent = control.max_items && now.length >= control.max_items ? `at most ${control.max_items} items` : "";
    setUnavailable(add, Boolean(control.max_items && now.length >= control.max_items));
    const active = activeIn(node);
    for (const [name, painter] of painters) {
      const field2 = rows.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (field2 && field2.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name]);
    }
  };
  return [node, paint2];
}

// sora_widgets/widgets/static/spec_controls.js
function setValues(sc, changes) {
  const values = { ...sc.model.get("values") };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === "") delete values[name];
    else values[name] = value;
  }
  sc.set("values", values);
}
function setValue(sc, name, value) {
  setValues(sc, { [name]: value });
}
function field(control, input) {
  const node = labelled(control.label + (control.required ? " *" : ""), input, "sw-pb-field sw-spec-field");
  if (control.description) input.title = control.description;
  return node;
}
var BUILDERS = {
  choice(sc, control) {
    const select = h("select", {});
    if (control.default === void 0) select.append(h("option", { value: "", text: "—" }));
    for (const option of control.options) select.append(h("option", { value: option, text: option }));
    sc.listen(select, "change", () => setValue(sc, control.name, select.value));
    const paint2 = (v) => select.value = v === void 0 ? "" : String(v);
    return [field(control, select), paint2];
  },
  toggle(sc, control) {
    const input = h("input", { type: "checkbox", role: "switch" });
    sc.listen(input, "change", () => setValue(sc, control.name, input.checked));
    const text = control.label + (control.required ? " *" : "");
    const node = h("label", { class: "sw-spec-toggle" }, [input, document.createTextNode(text)]);
    if (control.description) input.title = control.description;
    return [node, (v) => input.checked = Boolean(v)];
  },
  slider(sc, control) {
    const input = h("input", { type: "range", min: String(control.min), max: String(control.max), step: String(control.step) });
    const shown = h("output", { class: "sw-spec-out" });
    sc.listen(input, "input", () => {
      shown.textContent = input.value;
      setValue(sc, control.name, Number(input.value));
    });
    const node = field(control, input);
    node.append(shown);
    const paint2 = (v) => {
      if (v !== void 0) input.value = String(v);
      shown.textContent = input.value;
    };
    return [node, paint2];
  },
  number(sc, control) {
    const input = h("input", { type: "number", step: String(control.step) });
    if (control.min !== null && control.min !== void 0) input.min = String(control.min);
    if (control.max !== null && control.max !== void 0) input.max = String(control.max);
    sc.listen(input, "input", () => setValue(sc, control.name, input.value === "" ? null : Number(input.value)));
    return [field(control, input), (v) => input.value = v === void 0 || v === null ? "" : String(v)];
  },
  text(sc, control) {
    const input = h("input", { type: "text" });
    if (control.max_length) input.maxLength = control.max_length;
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => input.value = v === void 0 ? "" : String(v)];
  },
  json(sc, control) {
    const input = h("textarea", { rows: "2", placeholder: "JSON" });
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => input.value = v === void 0 ? "" : String(v)];
  },
  image: imagePicker,
  items: itemsEditor
};
function imagePicker(sc, control) {
  const { model } = sc;
  const slot = control.name;
  const name = control.label.toLowerCase();
  const fields = () => ({ slot, form: sc.form() });
  const { file, choose } = imageUpload(model, sc.listen, { fields, props: { class: "sw-pb-file" }, chooseText: `Choose ${name}…` });
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove ${name}` });
  sc.listen(remove, "click", () => model.send({ type: "clear_image", slot }));
  const preview = h("img", { class: "sw-pb-preview", alt: `${control.label} as it will be sent` });
  const info = h("div", { class: "sw-muted" });
  const notes = h("ul", { class: "sw-pb-notes" });
  const node = field(control, file);
  node.append(choose, h("div", { class: "sw-pb-image" }, [preview, h("div", { class: "sw-pb-imageinfo" }, [info, notes, remove])]));
  const paint2 = () => {
    const shown = model.get("slots")[slot];
    node.querySelector(".sw-pb-image").hidden = !shown;
    info.textContent = shown ? shown.label : "";
    notes.replaceChildren(...(shown ? shown.notes : []).map((n) => h("li", { text: n })));
    if (sc.previews[slot]) preview.src = sc.previews[slot].url;
    else preview.removeAttribute("src");
  };
  return [node, paint2];
}
function mountSpecControls(model, { set, listen: listen2, form }) {
  const box = h("div", { class: "sw-spec" });
  const sc = { model, set, listen: listen2, form, previews: {}, builders: BUILDERS };
  sc.setValues = (changes) => setValues(sc, changes);
  let painters = [];
  function build() {
    painters = [];
    const nodes = [];
    for (const control of model.get("controls")) {
      const make = BUILDERS[control.kind] || BUILDERS.text;
      const [node, paint3] = make(sc, control);
      node.setAttribute("data-name", control.name);
      nodes.push(node);
      painters.push([control.name, paint3, control.kind]);
    }
    box.replaceChildren(...nodes);
    box.hidden = !nodes.length;
    paint2();
  }
  function paint2() {
    const values = model.get("values");
    const active = activeIn(box);
    for (const [name, painter, kind] of painters) {
      const control = box.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (kind !== "items" && control && control.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name], values);
    }
  }
  function image(msg, buffers) {
    const old = sc.previews[msg.slot];
    if (old) URL.revokeObjectURL(old.url);
    sc.previews[msg.slot] = { url: bufferUrl(buffers[0], msg.mime), version: msg.version };
    paint2();
  }
  function dispose() {
    for (const p of Object.values(sc.previews)) URL.revokeObjectURL(p.url);
  }
  return { node: box, build, paint: paint2, image, dispose };
}

// sora_widgets/widgets/static/prompt_builder.js
function layoutBuilder(pb, el) {
  const ui = { ...modelPart(pb), ...promptPart(pb), size: sizePart(pb), ...imagePart(pb), ...remixPart(pb) };
  Object.assign(ui, actionsPart(pb, ui));
  ui.spec = mountSpecControls(pb.model, { set: pb.sync.set, listen: pb.on, form: pb.sync.form });
  pb.cleanups.push(ui.spec.dispose);
  ui.soraRows = [
    h("div", { class: "sw-pb-row" }, [ui.size.orientation.fieldset, ui.size.secondsHolder]),
    h("div", { class: "sw-pb-row" }, [ui.fileField, ui.remixField])
  ];
  ui.root = h("div", { class: "sw-root sw-pb" }, [
    ui.modelField,
    ui.promptField,
    ui.details,
    ui.composed,
    ui.spec.node,
    ...ui.soraRows,
    ui.imageBox,
    ui.problem,
    ui.alert,
    ui.footer,
    ui.repeat
  ]);
  el.append(ui.root);
  const checklist = coachChecklist(pb.model);
  ui.composed.after(checklist.node);
  pb.cleanups.push(checklist.dispose);
  return ui;
}
function paintModels(pb, ui) {
  const { model } = pb;
  const { modelSelect, modelNote } = ui;
  const choices = model.get("model_choices");
  const same = modelSelect.options.length === choices.length && choices.every((c, i) => modelSelect.options[i].value === c.id);
  if (!same) modelSelect.replaceChildren(...choiceOptions(choices));
  if (!pb.sync.ahead() || activeIn(modelSelect) !== modelSelect) modelSelect.value = model.get("model");
  ui.modelField.hidden = choices.length < 2;
  modelNote.textContent = model.get("model_note");
  modelNote.hidden = !modelNote.textContent;
  const sora = !model.get("model");
  for (const row of ui.soraRows) row.hidden = !sora;
  return sora;
}
function paintForm(pb, ui, sora) {
  const { model } = pb;
  const setValue2 = (node, value) => {
    if (node.value !== value && !pb.sync.ahead()) node.value = value;
  };
  setValue2(ui.text, model.get("text"));
  let anyShot = false;
  for (const [trait] of SHOT_FIELDS) {
    setValue2(ui.shotInputs[trait], model.get(trait));
    anyShot = anyShot || Boolean(model.get(trait));
  }
  if (anyShot) ui.details.open = true;
  const sent = model.get("prompt");
  ui.composedText.textContent = sent;
  ui.composed.hidden = !sent || !anyShot;
  ui.size.orientation.sync();
  ui.size.seconds.sync();
  ui.fit.sync();
  const hasImage = model.get("has_image");
  ui.imageBox.hidden = !hasImage || !sora;
  ui.preview.hidden = !pb.previewUrl;
  ui.imageLabel.textContent = model.get("image_label");
  ui.imageNotes.replaceChildren(...model.get("image_notes").map((n) => h("li", { text: n })));
}
function paintActions(model, ui) {
  const { remix, problem, alert, hint, generate, repeat } = ui;
  const choices = model.get("remix_choices");
  remix.replaceChildren(h("option", { value: "", text: choices.length ? "— none —" : "— no earlier results —" }), ...choiceOptions(choices));
  remix.value = model.get("remix_id");
  ui.price.replaceChildren(h("span", { class: "sw-muted", text: "Price: " }), h("strong", { text: model.get("price") }));
  problem.textContent = model.get("problem");
  problem.hidden = !problem.textContent;
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  hint.textContent = model.get("hint");
  hint.hidden = !hint.textContent;
  generate.hidden = !model.get("show_generate");
  ui.repeatNote.textContent = model.get("repeat_note");
  ui.again.textContent = model.get("repeat_label") || "Generate again";
  repeat.hidden = !model.get("repeat_label") || generate.hidden;
  const off = model.get("disabled");
  for (const node of ui.root.querySelectorAll("input, textarea, button")) node.disabled = off || unavailable(node);
  const noPrompt = !model.get("text").trim() && SHOT_FIELDS.every(([trait]) => !model.get(trait).trim());
  const empty = noPrompt && !hasItems(model);
  generate.disabled = off || empty;
  ui.emptyHint.hidden = !empty || generate.hidden;
  remix.disabled = off || !choices.length && !model.get("remix_id");
  for (const node of ui.root.querySelectorAll("select")) if (node !== remix) node.disabled = off;
}
function paint(pb, ui) {
  const sora = paintModels(pb, ui);
  ui.spec.paint();
  paintForm(pb, ui, sora);
  paintActions(pb.model, ui);
}
function onBuilderMessage(pb, ui, msg, buffers) {
  if (msg.type === "form_ack") {
    if (pb.sync.acknowledged(msg)) paint(pb, ui);
  } else if (msg.type === "focus_prompt") {
    paint(pb, ui);
    ui.promptField.scrollIntoView({ block: "nearest" });
    ui.text.focus({ preventScroll: true });
  } else if (msg.type === "slot_image" && buffers?.length) {
    ui.spec.image(msg, buffers);
  } else if (msg.type === "image" && buffers?.length) {
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
    pb.previewUrl = bufferUrl(buffers[0], msg.mime);
    ui.preview.src = pb.previewUrl;
    paint(pb, ui);
  }
}
function mountPromptBuilder({ model, el }) {
  const releaseKeys = keepKeys(el);
  const cleanups = [];
  const sync = formSync(model);
  cleanups.push(sync.dispose);
  const on = (node, event, fn) => cleanups.push(listen(node, event, fn));
  const pb = { model, on, sync, cleanups, previewUrl: null };
  const ui = layoutBuilder(pb, el);
  const onMessage = (msg, buffers) => onBuilderMessage(pb, ui, msg, buffers);
  const onChange = () => paint(pb, ui);
  const onVersion = () => {
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
    pb.previewUrl = null;
    ui.preview.removeAttribute("src");
  };
  model.on("change:image_version", onVersion);
  model.on("change:seconds_options", ui.size.buildSeconds);
  model.on("change:controls", ui.spec.build);
  model.on("change", onChange);
  model.on("msg:custom", onMessage);
  ui.spec.build();
  paint(pb, ui);
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    cleanups.forEach((fn) => fn());
    model.off("change:image_version", onVersion);
    model.off("change:seconds_options", ui.size.buildSeconds);
    model.off("change:controls", ui.spec.build);
    model.off("change", onChange);
    model.off("msg:custom", onMessage);
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
  };
}

// sora_widgets/widgets/static/status_bar.js
function clock(seconds) {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) return "";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor(whole % 3600 / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}
async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}
function layoutStatusBar(el) {
  const status = h("span", { class: "sw-status-badge", role: "status" });
  const label = h("span", { class: "sw-status-label" });
  const times = h("span", { class: "sw-status-times", "aria-live": "off" });
  const fill = h("div", { class: "sw-status-fill" });
  const bar = h(
    "div",
    { class: "sw-status-track", role: "progressbar", "aria-label": "Progress", "aria-valuemin": "0", "aria-valuemax": "100" },
    [fill]
  );
  const percent = h("span", { class: "sw-status-percent" });
  const idLabel = h("label", { class: "sw-status-idlabel", text: "Task id" });
  const idBox = h("input", { class: "sw-status-id", type: "text", readonly: "", "aria-label": "Task id", spellcheck: "false" });
  idBox.id = uid("sw-status-id");
  idLabel.setAttribute("for", idBox.id);
  const copy = h("button", { class: "sw-btn", type: "button", "aria-label": "Copy task id", text: "Copy" });
  const stop = h("button", { class: "sw-btn", type: "button", text: "Stop watching" });
  const again = h("button", { class: "sw-btn", type: "button", text: "Watch again" });
  const errorBox = h("div", { class: "sw-status-error", role: "alert" });
  const note = h("div", { class: "sw-status-note" });
  const idRow = h("div", { class: "sw-status-row sw-status-idrow" }, [idLabel, idBox, copy, stop, again]);
  const root = h("div", { class: "sw-root sw-status" }, [
    h("div", { class: "sw-status-row" }, [status, label, times]),
    h("div", { class: "sw-status-row" }, [bar, percent]),
    idRow,
    errorBox,
    note
  ]);
  el.append(root);
  return { status, label, times, fill, bar, percent, idBox, copy, stop, again, errorBox, note, idRow, root };
}
function tick(model, ui, receivedAt) {
  const phase = model.get("phase");
  const running = phase === "running" || phase === "unknown";
  const drift = running && model.get("watching") ? (Date.now() - receivedAt) / 1e3 : 0;
  const elapsed = model.get("elapsed_s");
  const eta = model.get("eta_s");
  const parts = [];
  if (elapsed >= 0) parts.push(`elapsed ${clock(elapsed + drift)}`);
  if (running && eta >= 0) parts.push(`about ${clock(Math.max(0, eta - drift))} left`);
  ui.times.textContent = parts.join(" · ");
}
function paintProgress(model, ui, phase) {
  const { fill, bar, percent } = ui;
  const progress = model.get("progress");
  if (progress >= 0) {
    const pct = Math.round(progress * 100);
    fill.style.width = `${pct}%`;
    bar.setAttribute("aria-valuenow", String(pct));
    bar.classList.remove("sw-indeterminate");
    percent.textContent = `${pct}%`;
  } else {
    fill.style.width = phase === "running" ? "100%" : "0%";
    bar.removeAttribute("aria-valuenow");
    bar.classList.toggle("sw-indeterminate", phase === "running");
    percent.textContent = "";
  }
}
function paintError(model, errorBox) {
  errorBox.replaceChildren();
  const message = model.get("error_message");
  if (message) {
    const code = model.get("error_code");
    const meaning = model.get("error_meaning");
    const advice = model.get("error_advice");
    const head = h("div", { class: "sw-status-error-head" });
    head.append(h("strong", { text: code ? `Error ${code}` : "Error" }));
    if (meaning) head.append(h("span", { text: ` — ${meaning}` }));
    errorBox.append(head, h("div", { class: "sw-status-error-message", text: message }));
    if (advice) errorBox.append(h("div", { class: "sw-status-error-advice", text: `What to do: ${advice}` }));
  }
  errorBox.hidden = !message;
}
function paintStatusBar(model, ui) {
  const { root, idBox } = ui;
  const phase = model.get("phase");
  const raw = model.get("status");
  root.dataset.phase = phase;
  root.classList.toggle("sw-compact", Boolean(model.get("compact")));
  ui.status.textContent = statusWord(model, raw);
  ui.label.textContent = model.get("label");
  paintProgress(model, ui, phase);
  const taskId = model.get("task_id");
  idBox.value = taskId;
  idBox.size = Math.max(8, taskId.length);
  ui.idRow.hidden = !taskId;
  ui.stop.hidden = !model.get("watching");
  ui.again.hidden = phase !== "stopped" || !taskId;
  paintError(model, ui.errorBox);
  ui.note.textContent = model.get("note");
  ui.note.hidden = !model.get("note");
}
function mountStatusBar({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStatusBar(el);
  let receivedAt = Date.now();
  const onTick = () => tick(model, ui, receivedAt);
  const paint2 = () => {
    paintStatusBar(model, ui);
    onTick();
  };
  const onElapsed = () => {
    receivedAt = Date.now();
  };
  const onCopy = async () => {
    const ok = await copyText(ui.idBox.value, ui.idBox);
    ui.copy.textContent = ok ? "Copied" : "Select + Ctrl+C";
    setTimeout(() => ui.copy.textContent = "Copy", 1500);
  };
  const unlisten = [
    listen(ui.copy, "click", onCopy),
    listen(ui.stop, "click", () => model.send({ type: "stop" })),
    listen(ui.again, "click", () => model.send({ type: "watch" }))
  ];
  model.on("change:elapsed_s", onElapsed);
  model.on("change", paint2);
  const timer = setInterval(onTick, 1e3);
  paint2();
  return () => {
    releaseKeys();
    clearInterval(timer);
    model.off("change:elapsed_s", onElapsed);
    model.off("change", paint2);
    for (const undo of unlisten) undo();
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

// sora_widgets/widgets/static/studio.js
function jobRecordModel(model, record) {
  let current = record;
  const listeners = /* @__PURE__ */ new Map();
  const emit = (event, value) => {
    for (const fn of [...listeners.get(event) || []]) fn(value);
  };
  return {
    // A record holds its own values; what every line shares (the status words) is the Studio's.
    get: (name) => name in current ? current[name] : model.get(name),
    set: () => {
    },
    save_changes: () => {
    },
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, /* @__PURE__ */ new Set());
      listeners.get(event).add(fn);
    },
    off(event, fn) {
      if (!event) listeners.clear();
      else if (!fn) listeners.delete(event);
      else listeners.get(event)?.delete(fn);
    },
    send: (content, callbacks, buffers) => model.send({ ...content, job: current.id }, callbacks, buffers),
    widget_manager: model.widget_manager,
    refresh(next) {
      const before = current;
      current = next;
      const changed = Object.keys(next).filter((key) => before[key] !== next[key]);
      for (const key of changed) emit(`change:${key}`, next[key]);
      if (changed.length) emit("change");
    }
  };
}
function layoutStudio(el) {
  const title = h("h3", { class: "sw-studio-title" });
  const badge = h("span", { class: "sw-badge-sim", text: "simulated", title: "Videos come from the built-in simulator; nothing is sent to the real service" });
  const service = h("span", { class: "sw-studio-service sw-muted" });
  const counts = h("span", { class: "sw-studio-counts", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const header = h("div", { class: "sw-studio-header" }, [h("div", { class: "sw-studio-line" }, [title, badge, service, counts]), alert]);
  const builderBox = h("div", { class: "sw-studio-builder" });
  const bars = h("div", { class: "sw-studio-bars" });
  const playerBox = h("div", { class: "sw-studio-player" });
  const stripBox = h("div", { class: "sw-studio-strip" });
  const offline = h("div", {
    class: "sw-alert sw-studio-offline",
    role: "alert",
    text: "Disconnected: the kernel restarted or stopped, so this Studio no longer works. Re-run its cell to get a live one (your videos are in client.history)."
  });
  offline.hidden = true;
  const root = h("div", { class: "sw-root sw-studio" }, [offline, header, builderBox, bars, playerBox, stripBox]);
  el.append(root);
  return { title, badge, service, counts, alert, builderBox, bars, playerBox, stripBox, offline, root };
}
function paintHeader(model, ui) {
  ui.title.textContent = model.get("title");
  ui.badge.hidden = !model.get("simulated");
  ui.service.textContent = model.get("service") ? `→ ${model.get("service")}` : "";
  const parts = [];
  if (model.get("running_count")) parts.push(`${model.get("running_count")} running`);
  if (model.get("finished")) parts.push(`${model.get("finished")} done`);
  if (model.get("failed")) parts.push(`${model.get("failed")} failed`);
  if (model.get("spent")) parts.push(model.get("spent"));
  ui.counts.textContent = parts.join(" · ");
  ui.alert.textContent = model.get("error");
  ui.alert.hidden = !ui.alert.textContent;
}
function mountJobLines(model, bars) {
  const lines = /* @__PURE__ */ new Map();
  function paintJobs() {
    const jobs = model.get("jobs") || [];
    const ids = new Set(jobs.map((job) => job.id));
    for (const [id, line] of [...lines]) {
      if (ids.has(id)) continue;
      line.unmount();
      line.node.remove();
      lines.delete(id);
    }
    let cursor = bars.firstChild;
    for (const job of jobs) {
      let line = lines.get(job.id);
      if (line) line.record.refresh(job);
      else {
        const node = h("div", { class: "sw-studio-job", "data-job": job.id });
        const record = jobRecordModel(model, job);
        line = { node, record, unmount: mountStatusBar({ model: record, el: node }) };
        lines.set(job.id, line);
      }
      if (line.node === cursor) cursor = cursor.nextSibling;
      else bars.insertBefore(line.node, cursor);
    }
    bars.hidden = jobs.length === 0;
  }
  model.on("change:jobs", paintJobs);
  paintJobs();
  return () => {
    model.off("change:jobs", paintJobs);
    for (const line of lines.values()) line.unmount();
    lines.clear();
  };
}
async function mountParts(model, ui, cleanups, closed) {
  const parts = [
    ["builder", ui.builderBox, mountPromptBuilder],
    ["player", ui.playerBox, mountPlayer],
    ["strip", ui.stripBox, mountStrip]
  ];
  await Promise.all(
    parts.map(async ([name, box, mount]) => {
      try {
        const part = await childModel(model, name);
        if (!closed()) cleanups.push(mount({ model: part, el: box }));
      } catch (err) {
        box.replaceChildren(h("div", { class: "sw-alert", role: "alert", text: `The ${name} could not be shown: ${err}` }));
      }
    })
  );
}
async function mountStudio({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStudio(el);
  const cleanups = [releaseKeys, showWhenDisconnected(model, el, ui.root, ui.offline)];
  const paint2 = () => paintHeader(model, ui);
  cleanups.push(onTraits(model, ["title", "simulated", "service", "running_count", "finished", "failed", "spent", "error"], paint2));
  paint2();
  cleanups.push(mountJobLines(model, ui.bars));
  let closed = false;
  await mountParts(model, ui, cleanups, () => closed);
  return () => {
    closed = true;
    for (const fn of cleanups.splice(0).reverse()) fn();
  };
}
var studio_default = { render: mountStudio };
export {
  studio_default as default,
  jobRecordModel,
  mountStudio
};
