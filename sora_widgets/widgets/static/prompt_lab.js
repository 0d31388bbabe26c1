// PromptLab front end: define a sweep, see its count and cost, watch its jobs and timeline, and
// compare the finished videos side by side, kept in sync here (one leader, followers follow).
// Plain ESM, no imports (widgets/_front.py puts _dom.js in front). Text from users or the server
// goes in with textContent only.

const SLOT_RE = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function slotNames(template) {
  const names = [];
  for (const match of template.matchAll(SLOT_RE)) {
    if (match[1] && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

function lines(text) {
  return text
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function mountPromptLab({ model, el: root }) {
  const releaseKeys = keepKeys(root);
  const urls = new Map(); // task id -> Blob URL of its video's first frame
  const requested = new Set(); // task ids whose thumbnail was asked of the kernel
  const cells = new Map(); // index -> {cell parts}

  const wrap = h("div", { class: "sw-root sw-lab", role: "region", "aria-label": "Prompt Lab" });
  root.append(wrap);

  // ---- definition ------------------------------------------------------------------------
  const modeTemplate = h("input", { type: "radio", name: "sw-lab-mode", value: "template", "aria-label": "Template with slots" });
  const modePrompts = h("input", { type: "radio", name: "sw-lab-mode", value: "prompts", "aria-label": "List of prompts" });
  const modeRow = h("div", { class: "sw-lab-row", role: "radiogroup", "aria-label": "How variants are defined" }, [
    h("label", {}, [modeTemplate, " Template with slots"]),
    h("label", {}, [modePrompts, " List of prompts"]),
  ]);
  const template = h("textarea", {
    class: "sw-lab-template",
    rows: 2,
    "aria-label": "Prompt template; write slots as {name}",
    placeholder: "{shot} of a fox in {setting}, {lighting}",
  });
  const slotBox = h("div", { class: "sw-lab-slots", "aria-label": "Slot values" });
  const templateBox = h("div", { class: "sw-lab-templatebox" }, [template, slotBox]);
  const promptsArea = h("textarea", {
    class: "sw-lab-prompts",
    rows: 4,
    "aria-label": "Prompts, one per line",
    placeholder: "One prompt per line",
  });

  // Sizes and lengths are the model catalog's (the `_catalog` trait), not written out here.
  const catalog = model.get("_catalog");
  const sizeBoxes = catalog.sizes.map(({ size, label }) =>
    h("input", { type: "checkbox", value: size, "aria-label": `Size ${label}` }),
  );
  const lengthBoxes = catalog.seconds.map((s) => h("input", { type: "checkbox", value: String(s), "aria-label": `Length ${s} seconds` }));
  const budget = h("input", { type: "number", min: "0", step: "0.01", class: "sw-lab-budget", "aria-label": "Budget cap in USD (empty: no cap)", placeholder: "no cap" });
  const concurrency = h("input", { type: "number", min: "1", max: "16", step: "1", class: "sw-lab-concurrency", "aria-label": "Jobs at once" });
  const options = h("div", { class: "sw-lab-row sw-lab-options" }, [
    h("span", { class: "sw-lab-caption", text: "Sizes" }),
    ...sizeBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.sizes[i].label}`])),
    h("span", { class: "sw-lab-caption", text: "Lengths" }),
    ...lengthBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.seconds[i]} s`])),
  ]);
  const summary = h("div", { class: "sw-lab-summary", role: "status", "aria-live": "polite", "aria-label": "Sweep summary" });
  // Buttons are named by their visible words (voice control says what it sees).
  const runButton = h("button", { type: "button", class: "sw-btn sw-btn-primary sw-lab-run", text: "Run" });
  const stopButton = h("button", { type: "button", class: "sw-btn sw-lab-stop", text: "Stop" });
  const spent = h("span", { class: "sw-lab-spent", "aria-label": "Estimated cost sent so far" });
  const budgetRow = h("div", { class: "sw-lab-row" }, [
    h("label", {}, ["Budget $ ", budget]),
    h("label", {}, ["At once ", concurrency]),
    runButton,
    stopButton,
    spent,
  ]);
  // News (reused videos, a finished run) is a status; only the error is an alert, in red.
  const message = h("div", { class: "sw-lab-message sw-lab-note", role: "status", "aria-label": "Lab message" });
  const problem = h("div", { class: "sw-lab-message sw-lab-problem", role: "alert", "aria-label": "Lab error" });
  wrap.append(h("div", { class: "sw-lab-define" }, [modeRow, templateBox, promptsArea, options, budgetRow, summary, message, problem]));

  // ---- jobs grid, compare, timeline ------------------------------------------------------
  const grid = h("div", { class: "sw-lab-grid", role: "list", "aria-label": "Jobs" });
  const compareAll = h("button", { type: "button", class: "sw-btn", title: "Compare every finished video", text: "Compare all finished" });
  const exportCsv = h("button", { type: "button", class: "sw-btn sw-lab-export", title: "Download every job as CSV", text: "Export CSV" });
  const exportJson = h("button", { type: "button", class: "sw-btn sw-lab-export", title: "Download every job as JSON", text: "Export JSON" });
  wrap.append(h("div", { class: "sw-lab-row" }, [h("strong", { text: "Jobs" }), compareAll, exportCsv, exportJson]), grid);

  // Drawn inline (not as an <img>), so its text takes the theme's colour (currentColor).
  const timelineImg = h("div", { class: "sw-lab-timeline", role: "img", "aria-label": "Batch timeline: when each job was queued, ran and finished" });
  const timelineBox = h("section", { class: "sw-lab-timelinebox", "aria-label": "Batch timeline" }, [h("strong", { text: "Timeline" }), timelineImg]);
  wrap.append(timelineBox);
  const compareView = h("section", { class: "sw-lab-compare-view", "aria-label": "Compare the finished videos" });
  wrap.append(compareView);
  const stopCompare = mountLabCompare(model, compareView);

  // ---- to the model ----------------------------------------------------------------------
  const saveSlots = () => {
    const values = {};
    for (const area of slotBox.querySelectorAll("textarea")) values[area.dataset.slot] = lines(area.value);
    save(model, "slots", values);
  };
  const saveTemplate = debounce(() => save(model, "template", template.value), 250);
  const saveSlotsSoon = debounce(saveSlots, 250);
  const savePrompts = debounce(() => save(model, "prompts", lines(promptsArea.value)), 250);

  const handlers = [];
  const on = (node, type, fn) => handlers.push(listen(node, type, fn));
  on(modeTemplate, "change", () => save(model, "mode", "template"));
  on(modePrompts, "change", () => save(model, "mode", "prompts"));
  on(template, "input", () => {
    drawSlots();
    saveTemplate();
  });
  on(slotBox, "input", saveSlotsSoon);
  on(promptsArea, "input", savePrompts);
  for (const box of sizeBoxes) on(box, "change", () => save(model, "sizes", sizeBoxes.filter((b) => b.checked).map((b) => b.value)));
  for (const box of lengthBoxes) on(box, "change", () => save(model, "seconds", lengthBoxes.filter((b) => b.checked).map((b) => Number(b.value))));
  on(budget, "change", () => save(model, "budget", budget.value === "" ? null : Math.max(0, Number(budget.value))));
  on(concurrency, "change", () => save(model, "concurrency", Math.max(1, Math.round(Number(concurrency.value) || 1))));
  on(runButton, "click", () => model.send({ type: "run" }));
  on(stopButton, "click", () => model.send({ type: "stop" }));
  on(exportCsv, "click", () => model.send({ type: "export", format: "csv" }));
  on(exportJson, "click", () => model.send({ type: "export", format: "json" }));
  on(compareAll, "click", () => {
    const done = model.get("jobs").filter((j) => j.has_video).map((j) => j.index);
    model.send({ type: "compare", indexes: done });
  });

  // ---- from the model --------------------------------------------------------------------
  function setValue(node, value) {
    // The focused element of the node's own root: marimo draws widgets in a shadow root, where
    // document.activeElement is the host, never the box being typed in.
    if (activeIn(node) !== node && node.value !== value) node.value = value;
  }

  // One <label> per slot name, kept for the life of the view: a save or a redraw never replaces
  // (and so never blurs) the box being typed in; only added, removed or reordered slots move.
  const slotLabels = new Map();
  function drawSlots() {
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

  function drawDefinition() {
    const mode = model.get("mode");
    modeTemplate.checked = mode === "template";
    modePrompts.checked = mode === "prompts";
    templateBox.hidden = mode !== "template";
    promptsArea.hidden = mode !== "prompts";
    setValue(template, model.get("template"));
    const slots = model.get("slots") || {};
    drawSlots();
    for (const area of slotBox.querySelectorAll("textarea")) {
      setValue(area, (slots[area.dataset.slot] || []).join("\n"));
    }
    setValue(promptsArea, (model.get("prompts") || []).join("\n"));
    const sizes = model.get("sizes") || [];
    sizeBoxes.forEach((b) => (b.checked = sizes.includes(b.value)));
    const secs = model.get("seconds") || [];
    lengthBoxes.forEach((b) => (b.checked = secs.includes(Number(b.value))));
    const cap = model.get("budget");
    setValue(budget, cap === null || cap === undefined ? "" : String(cap));
    setValue(concurrency, String(model.get("concurrency")));
  }

  function drawSummary() {
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
      if (s.reused) text += ` · ${s.reused} already made with the same request: reused, not paid again`;
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

  function thumbFor(job) {
    const img = h("img", { class: "sw-lab-thumb", alt: `First frame of variant ${job.index + 1}: ${job.label}` });
    img.dataset.index = String(job.index);
    img.dataset.key = job.video_key;
    const known = urls.get(job.video_key);
    if (known) img.src = known;
    return img;
  }

  function want(job) {
    if (!job.has_video || urls.has(job.video_key) || requested.has(job.video_key)) return;
    requested.add(job.video_key);
    model.send({ type: "want_thumb", index: job.index, key: job.video_key });
  }

  // Thumbnails of videos no longer in the jobs (a rebuilt sweep, a rerun) are let go.
  function forgetThumbs(jobs) {
    const keep = new Set(jobs.map((job) => job.video_key).filter(Boolean));
    for (const [key, url] of urls) {
      if (keep.has(key)) continue;
      URL.revokeObjectURL(url);
      urls.delete(key);
    }
    for (const key of requested) if (!keep.has(key)) requested.delete(key);
  }

  function makeCell(job) {
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
    // The prompt coach's verdict on this variant's prompt (score, what is missing; advice on hover).
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

  function paintCoach(node, report) {
    if (!report) {
      node.hidden = true;
      return;
    }
    node.hidden = false;
    const missing = report.missing || [];
    const parts = [`coach ${report.score}/6`];
    if (missing.length) parts.push(`missing: ${missing.join(", ")}`);
    if (report.single_purpose === false) parts.push("⚠ several shots");
    node.textContent = parts.join(" · ");
    node.title = (report.advice || []).join("\n");
    node.dataset.ready = String(!missing.length && report.single_purpose !== false);
  }

  function drawJobs() {
    const jobs = model.get("jobs") || [];
    const compared = new Set(model.get("compare_indexes") || []);
    const seen = new Set();
    const order = [];
    for (const job of jobs) {
      seen.add(job.index);
      let parts = cells.get(job.index);
      if (!parts) {
        parts = makeCell(job);
        cells.set(job.index, parts);
      }
      order.push(parts.cell);
      parts.cell.dataset.status = job.status;
      parts.title.textContent = job.label;
      parts.title.title = job.prompt;
      parts.meta.textContent = `${job.size} · ${job.seconds} s · ${job.cost}`;
      paintCoach(parts.coach, job.coach);
      const word = statusWord(model, job.status); // the Studio's words (models.task.Status)
      parts.status.textContent = job.task_id ? `${word} · ${job.task_id}` : word;
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
        parts.thumb = thumbFor(job);
        parts.media.replaceChildren(parts.thumb);
        parts.key = job.video_key;
      } else if (!job.has_video && parts.thumb) {
        parts.media.replaceChildren();
        parts.thumb = null;
        parts.key = "";
      }
      want(job);
    }
    for (const [index] of cells) if (!seen.has(index)) cells.delete(index);
    forgetThumbs(jobs);
    // Re-insert only when the order changed, so focus and scroll position survive updates.
    const current = [...grid.children];
    if (current.length !== order.length || current.some((node, i) => node !== order[i])) {
      grid.replaceChildren(...order);
    }
  }

  // The kernel's SVG is parsed as XML (never innerHTML) and only SVG drawing elements are kept:
  // labels are escaped there, and nothing that runs (script, handlers, links) is let through.
  const SVG_NS = "http://www.w3.org/2000/svg";
  const SVG_TAGS = new Set(["svg", "title", "style", "text", "tspan", "rect", "g", "line"]);
  function cleanSvg(node) {
    for (const child of [...node.children]) {
      if (child.namespaceURI !== SVG_NS || !SVG_TAGS.has(child.localName)) child.remove();
      else cleanSvg(child);
    }
    for (const attr of [...node.attributes]) {
      if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
    }
  }
  function drawTimeline() {
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

  function download(msg, buffers) {
    // The file the kernel made (lab.to_csv() / lab.to_json()), saved by the browser.
    const url = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "text/plain" }));
    const link = h("a", { href: url, download: String(msg.name || "prompt-lab.txt") });
    link.hidden = true;
    wrap.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function onMessage(msg, buffers) {
    if (msg && msg.type === "download" && buffers && buffers.length) {
      download(msg, buffers);
      return;
    }
    if (!msg || msg.type !== "thumb" || !buffers || !buffers.length) return;
    // Only a video still in the grid gets its picture (a late answer for a rebuilt sweep is dropped).
    const showing = [...cells.values()].filter((parts) => parts.key === msg.key);
    if (!showing.length || urls.has(msg.key)) return;
    const url = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "image/jpeg" }));
    urls.set(msg.key, url);
    for (const parts of showing) if (parts.thumb) parts.thumb.src = url;
  }

  const drawAll = () => {
    drawDefinition();
    drawSummary();
    drawJobs();
    drawTimeline();
  };
  const unbind = [
    onTraits(model, ["mode", "template", "slots", "prompts", "sizes", "seconds", "budget", "concurrency"], drawDefinition),
    onTraits(model, ["summary", "running", "spent", "message", "error"], drawSummary),
    onTraits(model, ["jobs", "running", "compare_indexes"], drawJobs),
    onTraits(model, ["timeline"], drawTimeline),
  ];
  model.on("msg:custom", onMessage);
  drawAll();

  return () => {
    stopCompare();
    releaseKeys();
    for (const undo of unbind) undo();
    model.off("msg:custom", onMessage);
    for (const undo of handlers) undo();
    for (const url of urls.values()) URL.revokeObjectURL(url);
    urls.clear();
  };
}


// ---- compare: the chosen finished videos side by side, kept together in this page ------------
// The kernel sends the list (trait "compared") and each video's bytes on request (binary
// message keyed by task id). The first video leads: a play, pause or seek on any video moves all
// of them, and while they play the followers are pulled back to the leader when they drift.
// Python drives them with numbered "control" messages (play_all, pause_all, seek_all); the view
// acknowledges each number with Python's values, so the value Python set last wins (see
// PromptLab.set_state). Programmatic moves are remembered per video, so their events are not
// mistaken for the user's.
const FOLLOW_PLAYING_S = 0.25; // a playing follower this far from the leader is moved back
const FOLLOW_PAUSED_S = 0.01; // paused videos line up exactly

function mountLabCompare(model, view) {
  const tiles = new Map(); // task id -> {tile, video, caption, star, remix, url, index}
  const requested = new Set(); // task ids whose bytes were asked of the kernel
  const ourSeeks = new Map(); // video -> time this code seeked it to
  const ourPlays = new WeakSet();
  const ourPauses = new WeakSet();
  const undo = [];

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

  const ordered = () => [...grid.children].map((tile) => tile.querySelector("video")).filter((v) => v && v.src);
  const leader = () => ordered()[0];

  function seekVideo(video, time, tolerance = video.paused ? FOLLOW_PAUSED_S : FOLLOW_PLAYING_S) {
    if (video.readyState < 1 || Math.abs(video.currentTime - time) <= tolerance) return;
    ourSeeks.set(video, time);
    video.currentTime = time;
  }
  function playVideo(video) {
    if (!video.paused || video.readyState < 1) return;
    ourPlays.add(video);
    video.play().catch((err) => {
      ourPlays.delete(video);
      note.textContent = `The browser would not start playback (${err.name}).`;
    });
  }
  function pauseVideo(video) {
    if (video.paused) return;
    ourPauses.add(video);
    video.pause();
  }

  function report(changes) {
    for (const [key, value] of Object.entries(changes)) model.set(key, value);
    model.save_changes();
  }
  function reportLeader() {
    const lead = leader();
    if (lead) report({ playing: !lead.paused, current_time: lead.currentTime });
  }

  // What the user did on one video, done to all.
  function userPlayed(video) {
    for (const other of ordered()) {
      if (other === video) continue;
      seekVideo(other, video.currentTime);
      playVideo(other);
    }
    reportLeader();
  }
  function userPaused(video) {
    for (const other of ordered()) {
      if (other === video) continue;
      pauseVideo(other);
      seekVideo(other, video.currentTime, FOLLOW_PAUSED_S);
    }
    report({ playing: false, current_time: video.currentTime });
  }
  function userSeeked(video) {
    for (const other of ordered()) if (other !== video) seekVideo(other, video.currentTime, FOLLOW_PAUSED_S);
    report({ current_time: video.currentTime });
  }
  function leaderTicked(video) {
    if (video !== leader()) return;
    if (!video.paused) for (const other of ordered()) if (other !== video) seekVideo(other, video.currentTime);
    if (Math.abs(model.get("current_time") - video.currentTime) >= 0.2) report({ current_time: video.currentTime });
  }

  // A video that has just loaded joins the others (or Python's position when it is the first).
  function joined(video) {
    const lead = ordered().find((v) => v !== video && v.readyState >= 1);
    const time = lead ? lead.currentTime : model.get("current_time");
    const playing = lead ? !lead.paused : model.get("playing");
    seekVideo(video, time, FOLLOW_PAUSED_S);
    if (playing) playVideo(video);
  }

  function makeTile(row) {
    const video = h("video", { class: "sw-lab-video", controls: "", playsinline: "", preload: "auto", muted: "" });
    video.muted = true; // followers start without a click only when muted
    const caption = h("div", { class: "sw-lab-tile-caption" });
    const star = h("button", { type: "button", class: "sw-btn sw-lab-star" });
    const remix = h("button", { type: "button", class: "sw-btn", text: "Remix" });
    const tile = h("div", { class: "sw-lab-tile", role: "group" }, [video, caption, h("div", { class: "sw-lab-cell-actions" }, [star, remix])]);
    const parts = { tile, video, caption, star, remix, url: null, index: row.index };
    const events = {
      play: () => (ourPlays.delete(video) ? undefined : userPlayed(video)),
      pause: () => (ourPauses.delete(video) ? undefined : userPaused(video)),
      seeked: () => {
        // A seek this code made ends here; one that lands elsewhere was the user's, made while
        // ours was under way (the browser then fires a single "seeked", for the last one).
        const ours = ourSeeks.get(video);
        ourSeeks.delete(video);
        if (ours === undefined || Math.abs(video.currentTime - ours) > 0.05) userSeeked(video);
      },
      timeupdate: () => leaderTicked(video),
      loadedmetadata: () => joined(video),
    };
    for (const [type, fn] of Object.entries(events)) undo.push(listen(video, type, fn));
    undo.push(listen(star, "click", () => model.send({ type: "favourite", index: parts.index, value: star.getAttribute("aria-pressed") !== "true" })));
    undo.push(listen(remix, "click", () => model.send({ type: "remix", index: parts.index })));
    return parts;
  }

  function drop(key) {
    const parts = tiles.get(key);
    tiles.delete(key);
    requested.delete(key);
    parts.video.pause();
    parts.video.removeAttribute("src");
    parts.video.load();
    if (parts.url) URL.revokeObjectURL(parts.url);
  }

  function draw() {
    const rows = model.get("compared") || [];
    view.hidden = rows.length === 0;
    const order = [];
    for (const row of rows) {
      let parts = tiles.get(row.key);
      if (!parts) {
        parts = makeTile(row);
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
    for (const key of [...tiles.keys()]) if (!keep.has(key)) drop(key);
    const current = [...grid.children];
    if (current.length !== order.length || current.some((node, i) => node !== order[i])) grid.replaceChildren(...order);
    framesBox.hidden = rows.length < 2;
  }

  // Python's numbered playback changes: applied to every video, then acknowledged with its values.
  function control(msg) {
    const videos = ordered();
    if ("current_time" in msg) for (const video of videos) seekVideo(video, msg.current_time, FOLLOW_PAUSED_S);
    if ("playing" in msg) for (const video of videos) (msg.playing ? playVideo : pauseVideo)(video);
    if (typeof msg.seq !== "number") return;
    const changes = { _ack: msg.seq };
    for (const key of ["playing", "current_time"]) if (key in msg) changes[key] = msg[key];
    // Cleared silently first, so the update carries Python's value even when the model has it
    // already (it overwrites an older report still waiting in the send buffer).
    for (const key of Object.keys(changes)) model.set(key, null, { silent: true });
    report(changes);
  }

  function onMessage(msg, buffers) {
    if (msg && msg.type === "control") {
      control(msg);
      return;
    }
    if (!msg || msg.type !== "video" || !buffers || !buffers.length) return;
    const parts = tiles.get(msg.key);
    if (!parts || parts.url) return; // not compared any more, or already loaded
    parts.url = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime || "video/mp4" }));
    parts.video.src = parts.url;
  }

  undo.push(listen(playAll, "click", () => {
    const videos = ordered();
    const lead = videos[0];
    for (const video of videos) {
      if (lead && video !== lead) seekVideo(video, lead.currentTime, FOLLOW_PAUSED_S);
      playVideo(video);
    }
    report({ playing: true });
  }));
  undo.push(listen(pauseAll, "click", () => {
    const videos = ordered();
    for (const video of videos) pauseVideo(video);
    if (videos[0]) for (const video of videos.slice(1)) seekVideo(video, videos[0].currentTime, FOLLOW_PAUSED_S);
    reportLeader();
    report({ playing: false });
  }));

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

  model.on("change:compared", draw);
  model.on("msg:custom", onMessage);
  draw();
  model.send({ type: "ready", seq: model.get("_control_seq") || 0 });

  return () => {
    gone = true;
    model.off("change:compared", draw);
    model.off("msg:custom", onMessage);
    for (const fn of undo) fn();
    for (const key of [...tiles.keys()]) drop(key);
    if (stopFrames) stopFrames();
    framesBox.replaceChildren();
  };
}
