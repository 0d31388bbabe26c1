// VideoPlayer front end. Video bytes arrive as a binary buffer in a custom message and play
// from a Blob URL; server/user text goes through textContent only.
// Its named parts: player_playback.js (playback reported and followed), player_strip.js (the
// filmstrip under the video).

import { bufferBytes, h, keepKeys, listen } from "./_dom.js";
import { playbackSync } from "./player_playback.js";
import { mountFilmstrip } from "./player_strip.js";
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

// The video's source: the view's one Blob URL, and the version of the video it holds.
function videoSource(video) {
  const source = {
    url: null,
    loadedVersion: -1,
    setBlob(blob, version) {
      if (source.url) URL.revokeObjectURL(source.url);
      source.url = URL.createObjectURL(blob);
      source.loadedVersion = version;
      video.src = source.url; // starts loading (a load() after it would only restart that)
    },
    setBytes(bytes, mime, version) {
      source.setBlob(new Blob([bytes], { type: mime || "video/mp4" }), version);
    },
  };
  return source;
}

// Bytes embedded in the state (a notebook saved with its video), unless this version is loaded.
function useKnownBytes(model, source) {
  const data = model.get("_embedded");
  if (data && data.byteLength > 0 && source.loadedVersion !== model.get("version")) {
    source.setBytes(bufferBytes(data), "video/mp4", model.get("version"));
  }
}

// Bytes Python pushed before this view existed (pushedVideos): taken by the first view.
function takePushed(model, source) {
  const pushed = pushedVideos.get(model.get("_key"));
  if (pushed) {
    pushedVideos.delete(model.get("_key"));
    if (pushed.version === model.get("version") && source.loadedVersion !== pushed.version) {
      source.setBlob(pushed.blob, pushed.version);
    }
  }
}

// Python sends the bytes unless this view already has the current version. A view that has
// them says so once its first frame is up: the message and the kernel's busy/idle answers
// would otherwise compete with decoding for this thread.
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
    setTimeout(sendReady, 2000);
  } else {
    sendReady();
  }
}

export function mountPlayer({ model, el }) {
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
    // Give the memory back when the view goes (a cleared output, a closed widget): without
    // load() after dropping src the element keeps its decoder and buffered media alive, and an
    // unrevoked Blob URL keeps the whole file in the tab until it is closed.
    video.pause();
    video.removeAttribute("src");
    video.load();
    if (source.url) URL.revokeObjectURL(source.url);
    source.url = null;
    source.loadedVersion = -1;
    el.replaceChildren();
  };
}

export default { initialize: initPlayer, render: mountPlayer };
