// PromptLab front end: define a sweep, watch its jobs, compare finished videos in sync.
// Plain ESM, no imports. Text from users or the server goes in with textContent only.

const SIZES = [
  ["720x1280", "Portrait 720×1280"],
  ["1280x720", "Landscape 1280×720"],
];
const LENGTHS = [4, 8, 12];
const SLOT_RE = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

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

// Keep a set of <video> elements together: play, pause and seek on one reach all.
// Changes we make ourselves are marked so their echo events are not re-broadcast.
export class SyncGroup {
  constructor() {
    this.videos = [];
    this.cleanups = [];
  }

  set(videos) {
    this.clear();
    this.videos = videos;
    for (const video of videos) {
      const on = (name, fn) => {
        video.addEventListener(name, fn);
        this.cleanups.push(() => video.removeEventListener(name, fn));
      };
      on("play", () => this.#echo(video, "play") || this.play(video));
      on("pause", () => this.#echo(video, "pause") || (!video.ended && this.pause(video)));
      on("seeked", () => this.#echo(video, "seek") || this.seek(video.currentTime, video));
    }
  }

  clear() {
    for (const undo of this.cleanups) undo();
    this.cleanups = [];
    this.videos = [];
  }

  #echo(video, kind) {
    const key = `sync${kind}`;
    if (video.dataset[key]) {
      delete video.dataset[key];
      return true;
    }
    return false;
  }

  play(source = null) {
    for (const video of this.videos) {
      if (video === source || !video.paused) continue;
      video.dataset.syncplay = "1";
      video.play().catch(() => delete video.dataset.syncplay);
    }
  }

  pause(source = null) {
    for (const video of this.videos) {
      if (video === source || video.paused) continue;
      video.dataset.syncpause = "1";
      video.pause();
    }
  }

  seek(time, source = null) {
    for (const video of this.videos) {
      if (video === source) continue;
      const target = Math.min(time, Number.isFinite(video.duration) ? video.duration : time);
      if (Math.abs(video.currentTime - target) < 0.04) continue;
      video.dataset.syncseek = "1";
      video.currentTime = target;
    }
  }
}

function render({ model, el: root }) {
  const urls = new Map(); // index -> {key, url}
  const requested = new Set(); // video keys asked of the kernel
  const sync = new SyncGroup();
  const cells = new Map(); // index -> {cell parts}
  let compareVideos = [];

  const wrap = el("div", { className: "sw-lab", role: "region", "aria-label": "Prompt Lab" });
  root.append(wrap);

  // ---- definition ------------------------------------------------------------------------
  const modeTemplate = el("input", { type: "radio", name: "sw-lab-mode", value: "template", "aria-label": "Template with slots" });
  const modePrompts = el("input", { type: "radio", name: "sw-lab-mode", value: "prompts", "aria-label": "List of prompts" });
  const modeRow = el("div", { className: "sw-lab-row", role: "radiogroup", "aria-label": "How variants are defined" }, [
    el("label", {}, [modeTemplate, " Template with slots"]),
    el("label", {}, [modePrompts, " List of prompts"]),
  ]);
  const template = el("textarea", {
    className: "sw-lab-template",
    rows: 2,
    "aria-label": "Prompt template; write slots as {name}",
    placeholder: "{shot} of a fox in {setting}, {lighting}",
  });
  const slotBox = el("div", { className: "sw-lab-slots", "aria-label": "Slot values" });
  const templateBox = el("div", { className: "sw-lab-templatebox" }, [template, slotBox]);
  const promptsArea = el("textarea", {
    className: "sw-lab-prompts",
    rows: 4,
    "aria-label": "Prompts, one per line",
    placeholder: "One prompt per line",
  });

  const sizeBoxes = SIZES.map(([value, title]) =>
    el("input", { type: "checkbox", value, "aria-label": `Size ${title}` }),
  );
  const lengthBoxes = LENGTHS.map((s) => el("input", { type: "checkbox", value: String(s), "aria-label": `Length ${s} seconds` }));
  const budget = el("input", { type: "number", min: "0", step: "0.01", className: "sw-lab-budget", "aria-label": "Budget cap in USD (empty: no cap)", placeholder: "no cap" });
  const concurrency = el("input", { type: "number", min: "1", max: "16", step: "1", className: "sw-lab-concurrency", "aria-label": "Jobs at once" });
  const options = el("div", { className: "sw-lab-row sw-lab-options" }, [
    el("span", { className: "sw-lab-caption", text: "Sizes" }),
    ...sizeBoxes.map((box, i) => el("label", {}, [box, ` ${SIZES[i][1]}`])),
    el("span", { className: "sw-lab-caption", text: "Lengths" }),
    ...lengthBoxes.map((box, i) => el("label", {}, [box, ` ${LENGTHS[i]} s`])),
  ]);
  const summary = el("div", { className: "sw-lab-summary", role: "status", "aria-live": "polite", "aria-label": "Sweep summary" });
  const runButton = el("button", { type: "button", className: "sw-lab-run", "aria-label": "Run the sweep", text: "Run" });
  const spent = el("span", { className: "sw-lab-spent", "aria-label": "Estimated cost sent so far" });
  const budgetRow = el("div", { className: "sw-lab-row" }, [
    el("label", {}, ["Budget $ ", budget]),
    el("label", {}, ["At once ", concurrency]),
    runButton,
    spent,
  ]);
  const message = el("div", { className: "sw-lab-message", role: "alert", "aria-label": "Lab message" });
  wrap.append(el("div", { className: "sw-lab-define" }, [modeRow, templateBox, promptsArea, options, budgetRow, summary, message]));

  // ---- jobs grid, compare, timeline ------------------------------------------------------
  const grid = el("div", { className: "sw-lab-grid", role: "list", "aria-label": "Jobs" });
  const compareAll = el("button", { type: "button", "aria-label": "Compare every finished video", text: "Compare all finished" });
  wrap.append(el("div", { className: "sw-lab-row" }, [el("strong", { text: "Jobs" }), compareAll]), grid);

  const playAll = el("button", { type: "button", "aria-label": "Play all compared videos", text: "▶ Play all" });
  const pauseAll = el("button", { type: "button", "aria-label": "Pause all compared videos", text: "❚❚ Pause all" });
  const seekBar = el("input", { type: "range", min: "0", max: "1", step: "0.01", value: "0", "aria-label": "Seek all compared videos" });
  const clock = el("span", { className: "sw-lab-clock", "aria-label": "Compare position", text: "0.0 s" });
  const compareGrid = el("div", { className: "sw-lab-compare-grid", role: "list", "aria-label": "Compared videos" });
  const compareBox = el("section", { className: "sw-lab-compare", "aria-label": "Compare" }, [
    el("div", { className: "sw-lab-row" }, [el("strong", { text: "Compare" }), playAll, pauseAll, seekBar, clock]),
    compareGrid,
  ]);
  const timelineImg = el("img", { className: "sw-lab-timeline", alt: "Batch timeline: when each job was queued, ran and finished" });
  const timelineBox = el("section", { className: "sw-lab-timelinebox", "aria-label": "Batch timeline" }, [el("strong", { text: "Timeline" }), timelineImg]);
  wrap.append(compareBox, timelineBox);

  // ---- to the model ----------------------------------------------------------------------
  const save = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const saveSlots = () => {
    const values = {};
    for (const area of slotBox.querySelectorAll("textarea")) values[area.dataset.slot] = lines(area.value);
    save("slots", values);
  };
  const saveTemplate = debounce(() => save("template", template.value), 250);
  const saveSlotsSoon = debounce(saveSlots, 250);
  const savePrompts = debounce(() => save("prompts", lines(promptsArea.value)), 250);

  const handlers = [];
  const listen = (node, name, fn) => {
    node.addEventListener(name, fn);
    handlers.push(() => node.removeEventListener(name, fn));
  };
  listen(modeTemplate, "change", () => save("mode", "template"));
  listen(modePrompts, "change", () => save("mode", "prompts"));
  listen(template, "input", () => {
    drawSlots();
    saveTemplate();
  });
  listen(slotBox, "input", saveSlotsSoon);
  listen(promptsArea, "input", savePrompts);
  for (const box of sizeBoxes) listen(box, "change", () => save("sizes", sizeBoxes.filter((b) => b.checked).map((b) => b.value)));
  for (const box of lengthBoxes) listen(box, "change", () => save("seconds", lengthBoxes.filter((b) => b.checked).map((b) => Number(b.value))));
  listen(budget, "change", () => save("budget", budget.value === "" ? null : Math.max(0, Number(budget.value))));
  listen(concurrency, "change", () => save("concurrency", Math.max(1, Math.round(Number(concurrency.value) || 1))));
  listen(runButton, "click", () => model.send({ type: "run" }));
  listen(compareAll, "click", () => {
    const done = model.get("jobs").filter((j) => j.has_video).map((j) => j.index);
    model.send({ type: "compare", indexes: done });
  });
  listen(playAll, "click", () => sync.play());
  listen(pauseAll, "click", () => sync.pause());
  listen(seekBar, "input", () => sync.seek(Number(seekBar.value)));

  // ---- from the model --------------------------------------------------------------------
  function setValue(node, value) {
    if (document.activeElement !== node && node.value !== value) node.value = value;
  }

  function drawSlots() {
    const names = slotNames(template.value);
    const values = model.get("slots") || {};
    const existing = new Map([...slotBox.querySelectorAll("textarea")].map((a) => [a.dataset.slot, a]));
    slotBox.replaceChildren(
      ...names.map((name) => {
        let area = existing.get(name);
        if (!area) {
          area = el("textarea", { rows: 3, "aria-label": `Values for {${name}}, one per line` });
          area.dataset.slot = name;
          area.value = (values[name] || []).join("\n");
        }
        return el("label", { className: "sw-lab-slot" }, [el("span", { text: `{${name}}` }), area]);
      }),
    );
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
      summary.textContent = text;
      summary.dataset.state = s.over_budget ? "capped" : "ok";
    }
    runButton.disabled = running || !s.ok;
    runButton.textContent = running ? "Running…" : "Run";
    spent.textContent = `sent so far: ${model.get("spent")}`;
    message.textContent = model.get("message") || "";
  }

  function videoFor(job, className) {
    const video = el("video", {
      className,
      controls: true,
      muted: true,
      playsinline: true,
      preload: "auto",
      "aria-label": `Video of variant ${job.index}: ${job.label}`,
    });
    video.muted = true;
    video.dataset.index = String(job.index);
    const known = urls.get(job.index);
    if (known && known.key === job.video_key) video.src = known.url;
    return video;
  }

  function want(job) {
    if (!job.has_video) return;
    const known = urls.get(job.index);
    if ((known && known.key === job.video_key) || requested.has(job.video_key)) return;
    requested.add(job.video_key);
    model.send({ type: "want_video", index: job.index });
  }

  function makeCell(job) {
    const title = el("div", { className: "sw-lab-cell-title" });
    const meta = el("div", { className: "sw-lab-cell-meta" });
    const status = el("div", { className: "sw-lab-cell-status", role: "status" });
    const bar = el("progress", { max: "1", "aria-label": `Progress of variant ${job.index}` });
    const error = el("div", { className: "sw-lab-cell-error" });
    const media = el("div", { className: "sw-lab-cell-media" });
    const rerun = el("button", { type: "button", "aria-label": `Rerun variant ${job.index}`, text: "Rerun" });
    const star = el("button", { type: "button", className: "sw-lab-star", "aria-label": `Favourite variant ${job.index}` });
    const pick = el("input", { type: "checkbox", "aria-label": `Compare variant ${job.index}` });
    const actions = el("div", { className: "sw-lab-cell-actions" }, [rerun, star, el("label", {}, [pick, " compare"])]);
    const cell = el("div", { className: "sw-lab-cell", role: "listitem" }, [title, meta, status, bar, error, media, actions]);
    cell.dataset.index = String(job.index);
    const parts = { cell, title, meta, status, bar, error, media, rerun, star, pick, video: null, key: "" };
    listen(rerun, "click", () => model.send({ type: "rerun", index: Number(cell.dataset.index) }));
    listen(star, "click", () => model.send({ type: "favourite", index: Number(cell.dataset.index), value: star.getAttribute("aria-pressed") !== "true" }));
    listen(pick, "change", () => {
      const current = model.get("compare_indexes").filter((i) => i !== Number(cell.dataset.index));
      if (pick.checked) current.push(Number(cell.dataset.index));
      current.sort((a, b) => a - b);
      model.send({ type: "compare", indexes: current });
    });
    return parts;
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
      parts.status.textContent = job.task_id ? `${job.status} · ${job.task_id}` : job.status;
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
        parts.video = videoFor(job, "sw-lab-thumb");
        parts.media.replaceChildren(parts.video);
        parts.key = job.video_key;
      } else if (!job.has_video && parts.video) {
        parts.media.replaceChildren();
        parts.video = null;
        parts.key = "";
      }
      want(job);
    }
    for (const [index] of cells) if (!seen.has(index)) cells.delete(index);
    // Re-insert only when the order changed: moving a <video> in the DOM interrupts it.
    const current = [...grid.children];
    if (current.length !== order.length || current.some((node, i) => node !== order[i])) {
      grid.replaceChildren(...order);
    }
  }

  let compareSignature = "";
  function drawCompare() {
    const labels = model.get("compare_labels") || [];
    const jobs = new Map((model.get("jobs") || []).map((j) => [j.index, j]));
    // Rebuild only when what is shown changes, so progress updates never disturb playback.
    const signature = JSON.stringify(
      labels.map(({ index, label }) => {
        const job = jobs.get(index);
        return [index, label, job && job.video_key, job && job.favourite];
      }),
    );
    if (signature === compareSignature) return;
    compareSignature = signature;
    const existing = new Map(compareVideos.map((v) => [`${v.dataset.index}:${v.dataset.key}`, v]));
    compareVideos = [];
    const tiles = [];
    for (const { index, label } of labels) {
      const job = jobs.get(index);
      if (!job || !job.has_video) continue;
      const video = existing.get(`${index}:${job.video_key}`) || videoFor(job, "sw-lab-player");
      video.dataset.key = job.video_key;
      video.setAttribute("aria-label", `Compared video ${index}: ${label}`);
      compareVideos.push(video);
      const star = el("button", {
        type: "button",
        className: "sw-lab-star",
        "aria-label": `Favourite variant ${index}`,
        "aria-pressed": job.favourite ? "true" : "false",
        text: job.favourite ? "★" : "☆",
      });
      star.addEventListener("click", () => model.send({ type: "favourite", index, value: !job.favourite }));
      const remix = el("button", { type: "button", "aria-label": `Remix variant ${index}`, text: "Remix" });
      remix.addEventListener("click", () => model.send({ type: "remix", index }));
      const tile = el("figure", { className: "sw-lab-tile", role: "listitem" }, [
        video,
        el("figcaption", {}, [el("span", { className: "sw-lab-tile-label", text: label }), star, remix]),
      ]);
      tile.dataset.index = String(index);
      tiles.push(tile);
    }
    compareGrid.replaceChildren(...tiles);
    compareBox.hidden = tiles.length === 0;
    sync.set(compareVideos);
    if (compareVideos[0]) watchLeader(compareVideos[0]);
  }

  let leaderCleanup = null;
  function watchLeader(video) {
    if (leaderCleanup) leaderCleanup();
    const tick = () => {
      if (Number.isFinite(video.duration)) seekBar.max = String(video.duration);
      if (document.activeElement !== seekBar) seekBar.value = String(video.currentTime);
      clock.textContent = `${video.currentTime.toFixed(1)} s`;
    };
    for (const name of ["timeupdate", "loadedmetadata", "seeked"]) video.addEventListener(name, tick);
    leaderCleanup = () => {
      for (const name of ["timeupdate", "loadedmetadata", "seeked"]) video.removeEventListener(name, tick);
    };
  }

  function drawTimeline() {
    const svg = model.get("timeline");
    timelineBox.hidden = !svg;
    if (svg) timelineImg.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  }

  function onMessage(msg, buffers) {
    if (!msg || msg.type !== "video" || !buffers || !buffers.length) return;
    const old = urls.get(msg.index);
    if (old && old.key === msg.key) return;
    if (old) URL.revokeObjectURL(old.url);
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime || "video/mp4" }));
    urls.set(msg.index, { key: msg.key, url });
    for (const video of root.querySelectorAll(`video[data-index="${Number(msg.index)}"]`)) video.src = url;
  }

  const drawAll = () => {
    drawDefinition();
    drawSummary();
    drawJobs();
    drawCompare();
    drawTimeline();
  };
  const bindings = [
    ["change:mode change:template change:slots change:prompts change:sizes change:seconds change:budget change:concurrency", drawDefinition],
    ["change:summary change:running change:spent change:message", drawSummary],
    ["change:jobs change:running change:compare_indexes", drawJobs],
    ["change:compare_labels change:jobs", drawCompare],
    ["change:timeline", drawTimeline],
  ];
  for (const [names, fn] of bindings) model.on(names, fn);
  model.on("msg:custom", onMessage);
  drawAll();

  return () => {
    for (const [names, fn] of bindings) model.off(names, fn);
    model.off("msg:custom", onMessage);
    for (const undo of handlers) undo();
    sync.clear();
    if (leaderCleanup) leaderCleanup();
    for (const { url } of urls.values()) URL.revokeObjectURL(url);
    urls.clear();
  };
}

export default { render };
