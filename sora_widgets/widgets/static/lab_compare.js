// PromptLab's compare view, a part of prompt_lab.js (imported by it): the chosen finished
// videos side by side, kept in sync, with the frame-by-frame FrameCompare below them.

import { bufferUrl, childModel, h, listen } from "./_dom.js";
import { mountFrames } from "./frames.js";

// ---- compare: the chosen finished videos side by side, kept together in this page ------------
// The kernel sends the list (trait "compared") and each video's bytes on request (binary
// message keyed by task id). The first video leads: a play, pause or seek on any video moves all
// of them, and while they play the followers are pulled back to the leader when they drift.
// Python drives them with numbered "control" messages (play_all, pause_all, seek_all); the view
// acknowledges each number with Python's values, so the value Python set last wins (see
// PromptLab.set_state). Programmatic moves are remembered per video, so their events are not
// mistaken for the user's. The view's state is one object (`cmp`) the functions below share.
export const FOLLOW_PLAYING_S = 0.25; // a playing follower this far from the leader is moved back
export const FOLLOW_PAUSED_S = 0.01; // paused videos line up exactly

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
      pauseAll,
    ]),
    grid,
    note,
    framesBox,
  );
  return {
    model,
    view,
    playAll,
    pauseAll,
    grid,
    framesBox,
    note,
    tiles: new Map(), // task id -> {tile, video, caption, star, remix, url, index}
    requested: new Set(), // task ids whose bytes were asked of the kernel
    ourSeeks: new Map(), // video -> time this code seeked it to
    ourPlays: new WeakSet(),
    ourPauses: new WeakSet(),
    undo: [],
  };
}

const ordered = (cmp) => [...cmp.grid.children].map((tile) => tile.querySelector("video")).filter((v) => v && v.src);
const leader = (cmp) => ordered(cmp)[0];

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

// What the user did on one video, done to all.
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
  if (!video.paused) for (const other of ordered(cmp)) if (other !== video) seekVideo(cmp, other, video.currentTime);
  if (Math.abs(cmp.model.get("current_time") - video.currentTime) >= 0.2) report(cmp, { current_time: video.currentTime });
}

// A video that has just loaded joins the others (or Python's position when it is the first).
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
  video.muted = true; // followers start without a click only when muted
  const caption = h("div", { class: "sw-lab-tile-caption" });
  const star = h("button", { type: "button", class: "sw-btn sw-lab-star" });
  const remix = h("button", { type: "button", class: "sw-btn", text: "Remix" });
  const tile = h("div", { class: "sw-lab-tile", role: "group" }, [video, caption, h("div", { class: "sw-lab-cell-actions" }, [star, remix])]);
  const parts = { tile, video, caption, star, remix, url: null, index: row.index };
  const events = {
    play: () => (ourPlays.delete(video) ? undefined : userPlayed(cmp, video)),
    pause: () => (ourPauses.delete(video) ? undefined : userPaused(cmp, video)),
    seeked: () => {
      // Chromium fires a replaced seek's "seeked" late, when the newer seek started after the
      // old one ended but before its event ran: the video is seeking again, and the newer
      // seek's own "seeked" follows. Only that last one says where the video came to rest.
      if (video.seeking) return;
      // A seek this code made ends here; one that lands elsewhere was the user's, made while
      // ours was under way (the browser then fires a single "seeked", for the last one).
      const ours = ourSeeks.get(video);
      ourSeeks.delete(video);
      if (ours === undefined || Math.abs(video.currentTime - ours) > 0.05) userSeeked(cmp, video);
    },
    timeupdate: () => leaderTicked(cmp, video),
    loadedmetadata: () => joined(cmp, video),
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

// Python's numbered playback changes: applied to every video, then acknowledged with its values.
function control(cmp, msg) {
  const videos = ordered(cmp);
  if ("current_time" in msg) for (const video of videos) seekVideo(cmp, video, msg.current_time, FOLLOW_PAUSED_S);
  if ("playing" in msg) for (const video of videos) (msg.playing ? playVideo : pauseVideo)(cmp, video);
  if (typeof msg.seq !== "number") return;
  const changes = { _ack: msg.seq };
  for (const key of ["playing", "current_time"]) if (key in msg) changes[key] = msg[key];
  // Cleared silently first, so the update carries Python's value even when the model has it
  // already (it overwrites an older report still waiting in the send buffer).
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
  if (!parts || parts.url) return; // not compared any more, or already loaded
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

export function mountLabCompare(model, view) {
  const cmp = layoutCompare(model, view);
  const { framesBox, note, tiles, undo } = cmp;
  wirePlayButtons(cmp);

  // The same videos frame by frame (a FrameCompare child widget, drawn here with its own code).
  let stopFrames = null;
  let gone = false;
  childModel(model, "frame_compare")
    .then((frames) => {
      if (!gone) stopFrames = mountFrames({ model: frames, el: framesBox });
    })
    .catch((err) => {
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
