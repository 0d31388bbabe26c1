// The VideoPlayer's filmstrip, a part of player.js: stills from the first frame to the last under
// the video, asked for once per video shown (Python makes it from the local file); a click on a
// still seeks there. Returns the function that takes it down.

import { bufferUrl, h, listen, onTraits } from "./_dom.js";

export function mountFilmstrip(model, stage, video) {
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
    const column = Math.min(stripTimes.length - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * stripTimes.length)));
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
