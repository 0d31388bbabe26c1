// PromptLab front end: define a sweep, see its count and cost, watch its jobs and timeline, and
// compare the finished videos side by side, kept in sync here (one leader, followers follow).
// Its named parts: lab_define.js (the sweep's controls), lab_compare.js (the compare view),
// lab_text.js (slots, lines, SVG cleaning). Text from users or the server goes in with
// textContent only.

import { activeIn, bufferBytes, h, keepKeys, listen, onTraits, save, statusWord } from "./_dom.js";
import { mountLabCompare } from "./lab_compare.js";
import { defineControls } from "./lab_define.js";
import { cleanSvg, debounce, lines, slotNames, SVG_NS } from "./lab_text.js";
import "./prompt_lab.css";

export function mountPromptLab({ model, el: root }) {
  const releaseKeys = keepKeys(root);
  const urls = new Map(); // task id -> Blob URL of its video's first frame
  const requested = new Set(); // task ids whose thumbnail was asked of the kernel
  const cells = new Map(); // index -> {cell parts}

  const wrap = h("div", { class: "sw-root sw-lab", role: "region", "aria-label": "Prompt Lab" });
  root.append(wrap);

  // ---- definition ------------------------------------------------------------------------
  const defined = defineControls(model);
  const { modeTemplate, modePrompts, template, slotBox, templateBox, promptsArea } = defined;
  const { sizeBoxes, lengthBoxes, budget, concurrency, summary, runButton, stopButton, spent, message, problem } = defined;
  wrap.append(defined.section);

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

export default { render: mountPromptLab };
