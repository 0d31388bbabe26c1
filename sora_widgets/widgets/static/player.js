// VideoPlayer front end. Video bytes arrive as a binary buffer in a custom message and play
// from a Blob URL; server/user text goes through textContent only.

import { bufferBytes, h, keepKeys, onTraits } from "./_dom.js";
import "./player.css";

// Bytes Python pushes when the player is displayed arrive before the view the display makes
// exists. They wait here (per model, as a Blob, outside the widget state) for that view, which
// then paints without asking for them; the first view takes them, so they are not held twice.
export const pushedVideos = new Map(); // model _key -> { version, blob }

export function initPlayer({ model }) {
  const key = model.get("_key");
  const onPush = (msg, buffers) => {
    if (msg.type === "video" && msg.pushed && buffers?.length) {
      pushedVideos.set(key, {
        version: msg.version,
        blob: new Blob([bufferBytes(buffers[0])], { type: msg.mime || "video/mp4" }),
      });
    }
  };
  model.on("msg:custom", onPush);
  return () => {
    model.off("msg:custom", onPush);
    pushedVideos.delete(key);
  };
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function mountPlayer({ model, el }) {
  const releaseKeys = keepKeys(el);
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

  let url = null;
  let loadedVersion = -1;

  function setSource(bytes, mime, version) {
    setBlob(new Blob([bytes], { type: mime || "video/mp4" }), version);
  }

  function setBlob(blob, version) {
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(blob);
    loadedVersion = version;
    video.src = url; // starts loading (a load() after it would only restart that)
  }

  function fact(term, value) {
    if (!value) return;
    facts.append(h("dt", { text: term }), h("dd", { text: value }));
  }

  function paint() {
    const compact = model.get("compact");
    root.classList.toggle("sw-compact", compact);
    const size = model.get("size");
    const [w, hgt] = size.split("x").map(Number);
    root.dataset.orientation = hgt > w ? "portrait" : "landscape";
    const text = model.get("prompt");
    prompt.textContent = text;
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
    sim.hidden = !model.get("simulated");
    remix.hidden = !model.get("show_remix");
    download.disabled = !model.get("has_video");
    placeholder.hidden = model.get("has_video") || model.get("_embedded")?.byteLength > 0;
    video.hidden = !placeholder.hidden;
    meta.hidden = compact || !model.get("task_id");
    alert.textContent = model.get("error");
    alert.hidden = !alert.textContent;
  }

  function useEmbedded() {
    const data = model.get("_embedded");
    if (data && data.byteLength > 0 && loadedVersion !== model.get("version")) {
      setSource(bufferBytes(data), "video/mp4", model.get("version"));
    }
  }

  function onMessage(msg, buffers) {
    if (msg.type === "video" && buffers?.length) {
      if (msg.version !== loadedVersion) setSource(bufferBytes(buffers[0]), msg.mime, msg.version);
    } else if (msg.type === "control") {
      if ("muted" in msg) video.muted = msg.muted;
      if ("loop" in msg) video.loop = msg.loop;
      if ("current_time" in msg) {
        video.currentTime = msg.current_time;
      }
      if ("playing" in msg) applyPlaying(msg.playing);
      acknowledge(msg);
    } else if (msg.type === "file" && buffers?.length) {
      saveBlob(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "video/mp4" }), msg.name || "video.mp4");
    }
  }

  function applyPlaying(wanted) {
    const want = typeof wanted === "boolean" ? wanted : model.get("playing");
    if (want && video.paused && video.src) {
      video.play().catch((err) => {
        // Browsers refuse to start sound without a click; report it instead of pretending.
        model.set("playing", false);
        model.set("error", `The browser would not start playback (${err.name}); press play or mute first.`);
        model.save_changes();
      });
    } else if (!want && !video.paused) {
      video.pause();
    }
  }

  // Python numbers its playback changes (see VideoPlayer.set_state). Once this view has applied
  // one, it puts Python's value in the model with the number ("_ack"), in one state update: a
  // report of the same key still waiting in ipywidgets' send buffer is overwritten by it, and a
  // report already sent carries an older number, so Python knows it is older than its change.
  const CONTROLLED = ["playing", "muted", "loop", "current_time"];
  function acknowledge(msg) {
    if (typeof msg.seq !== "number") return;
    const changes = { _ack: msg.seq };
    for (const key of CONTROLLED) if (key in msg) changes[key] = msg[key];
    // Python's state update may have put its value in the model already; the update sent here
    // must still carry it (to overwrite an older report waiting in the buffer), so each key is
    // cleared silently first and the set in report() counts as a change.
    reporting = true;
    try {
      for (const key of Object.keys(changes)) model.set(key, null, { silent: true });
    } finally {
      reporting = false;
    }
    report(changes);
  }

  // Python drives playback with "control" messages: its state update can arrive late (behind
  // this view's own reports and their echoes) and the browser ignores it while a report of the
  // same key is in flight. The traits are read when a video loads, to start where Python wants.
  // Changes made to the model in the browser by someone else (ipywidgets.jslink, which PromptLab
  // uses to keep compared players together) are followed too; this view's own reports are not.
  let reporting = false;

  // A paused video follows any other position exactly; a playing one only when it has drifted
  // further than the reports' granularity, or linked players would keep seeking each other.
  const PLAYING_SEEK_TOLERANCE_S = 0.25;
  const PAUSED_SEEK_TOLERANCE_S = 0.01;

  function applyTime(target = model.get("current_time")) {
    const tolerance = video.paused ? PAUSED_SEEK_TOLERANCE_S : PLAYING_SEEK_TOLERANCE_S;
    if (Math.abs(target - video.currentTime) > tolerance) video.currentTime = target;
  }

  function report(changes) {
    reporting = true;
    try {
      for (const [key, value] of Object.entries(changes)) model.set(key, value);
    } finally {
      reporting = false;
    }
    model.save_changes();
  }

  function followPlaying() {
    if (!reporting && video.readyState >= 1) applyPlaying();
  }

  function followTime() {
    if (!reporting && video.readyState >= 1) applyTime();
  }

  const listeners = {
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
      // The duration goes to Python once the first frame is up: the message (and the kernel's
      // busy/idle answers) would otherwise compete with decoding it for this thread.
      const duration = Number.isFinite(video.duration) ? video.duration : 0;
      if (video.readyState >= 2) report({ duration });
      else video.addEventListener("loadeddata", () => report({ duration }), { once: true });
      applyTime();
      applyPlaying();
    },
    error: () => {
      const code = video.error ? video.error.code : 0;
      model.send({ type: "media_error", message: `media error ${code}` });
    },
  };
  for (const [name, fn] of Object.entries(listeners)) video.addEventListener(name, fn);
  const onDownload = () => model.send({ type: "download" });
  const onRemix = () => model.send({ type: "remix" });
  download.addEventListener("click", onDownload);
  remix.addEventListener("click", onRemix);
  model.on("msg:custom", onMessage);
  model.on("change", paint);
  model.on("change:_embedded", useEmbedded);
  model.on("change:playing", followPlaying);
  model.on("change:current_time", followTime);
  paint();
  video.muted = model.get("muted");
  video.loop = model.get("loop");
  useEmbedded();
  const pushed = pushedVideos.get(model.get("_key"));
  if (pushed) {
    pushedVideos.delete(model.get("_key"));
    if (pushed.version === model.get("version") && loadedVersion !== pushed.version) {
      setBlob(pushed.blob, pushed.version);
    }
  }
  // Python sends the bytes unless this view already has the current version. A view that has
  // them says so once its first frame is up: the message and the kernel's busy/idle answers
  // would otherwise compete with decoding for this thread.
  let readySent = false;
  const sendReady = () => {
    if (readySent) return;
    readySent = true;
    model.send({ type: "ready", have: loadedVersion, seq: model.get("_control_seq") || 0 });
  };
  if (loadedVersion === model.get("version")) {
    video.addEventListener("loadeddata", sendReady, { once: true });
    video.addEventListener("error", sendReady, { once: true });
    setTimeout(sendReady, 2000);
  } else {
    sendReady();
  }

  // Filmstrip under the video: stills from the first frame to the last, asked for once per video
  // shown (Python makes it from the local file); a click on a still seeks there.
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
    stripUrl = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: "image/jpeg" }));
    stripTimes = msg.times || [];
    strip.src = stripUrl;
    strip.alt = `Filmstrip: ${stripTimes.length} stills from 0 to ${(stripTimes.at(-1) || 0).toFixed(1)} s`;
    strip.hidden = !model.get("show_filmstrip");
  }
  function onStripClick(event) {
    if (!stripTimes.length) return;
    const box = strip.getBoundingClientRect();
    const column = Math.min(stripTimes.length - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * stripTimes.length)));
    video.currentTime = stripTimes[column];
  }
  strip.addEventListener("click", onStripClick);
  model.on("msg:custom", onStrip);
  const stopAsking = onTraits(model, ["version", "has_video", "show_filmstrip", "compact"], askStrip);
  askStrip();
  const stopStrip = () => {
    strip.removeEventListener("click", onStripClick);
    model.off("msg:custom", onStrip);
    stopAsking();
    if (stripUrl) URL.revokeObjectURL(stripUrl);
  };

  return () => {
    stopStrip();
    releaseKeys();
    for (const [name, fn] of Object.entries(listeners)) video.removeEventListener(name, fn);
    download.removeEventListener("click", onDownload);
    remix.removeEventListener("click", onRemix);
    model.off("msg:custom", onMessage);
    model.off("change", paint);
    model.off("change:_embedded", useEmbedded);
    model.off("change:playing", followPlaying);
    model.off("change:current_time", followTime);
    // Give the memory back when the view goes (a cleared output, a closed widget): without
    // load() after dropping src the element keeps its decoder and buffered media alive, and an
    // unrevoked Blob URL keeps the whole file in the tab until it is closed.
    video.pause();
    video.removeAttribute("src");
    video.load();
    if (url) URL.revokeObjectURL(url);
    url = null;
    loadedVersion = -1;
    el.replaceChildren();
  };
}

export default { initialize: initPlayer, render: mountPlayer };
