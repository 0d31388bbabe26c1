// The VideoPlayer's playback sync, a part of player.js: what the <video> does is reported to the
// model, and what Python (or a link to another player) asks for is applied to the <video>.
//
// Python drives playback with "control" messages: its state update can arrive late (behind
// this view's own reports and their echoes) and the browser ignores it while a report of the
// same key is in flight. The traits are read when a video loads, to start where Python wants.
// Changes made to the model in the browser by someone else (ipywidgets.jslink, which PromptLab
// uses to keep compared players together) are followed too; this view's own reports are not.

// A paused video follows any other position exactly; a playing one only when it has drifted
// further than the reports' granularity, or linked players would keep seeking each other.
const PLAYING_SEEK_TOLERANCE_S = 0.25;
const PAUSED_SEEK_TOLERANCE_S = 0.01;
const CONTROLLED = ["playing", "muted", "loop", "current_time"];

function seekTo(video, target) {
  const tolerance = video.paused ? PAUSED_SEEK_TOLERANCE_S : PLAYING_SEEK_TOLERANCE_S;
  if (Math.abs(target - video.currentTime) > tolerance) video.currentTime = target;
}

// Play or pause as `wanted` says (or, without it, as the "playing" trait says).
function playOrPause(model, video, wanted) {
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

export function playbackSync(model, video) {
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

  // Python numbers its playback changes (see VideoPlayer.set_state). Once this view has applied
  // one, it puts Python's value in the model with the number ("_ack"), in one state update: a
  // report of the same key still waiting in ipywidgets' send buffer is overwritten by it, and a
  // report already sent carries an older number, so Python knows it is older than its change.
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

  // A "control" message from Python: applied, then acknowledged.
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
    },
  };
}

// What the <video> reports, by event name.
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
}
