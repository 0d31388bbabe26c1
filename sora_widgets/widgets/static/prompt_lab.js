// PromptLab front end: define a sweep, see its count and cost, watch its jobs and timeline, and
// compare the finished videos side by side, kept in sync here (one leader, followers follow).
// Its named parts: lab_define.js (the sweep's controls), lab_jobs.js (the job grid),
// lab_compare.js (the compare view), lab_text.js (slots, lines, timeline, downloads). Text from
// users or the server goes in with textContent only.

import { h, keepKeys, listen, onTraits } from "./_dom.js";
import { mountLabCompare } from "./lab_compare.js";
import { defineControls, drawDefinition, drawSummary, wireDefinition } from "./lab_define.js";
import { drawJobs, jobsState, releaseJobs, showThumb } from "./lab_jobs.js";
import { download, drawTimeline } from "./lab_text.js";
import "./prompt_lab.css";

// Below the definition: the jobs with their buttons, the batch timeline, the compare view.
function layoutResults(wrap) {
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
  return { grid, compareAll, exportCsv, exportJson, timelineImg, timelineBox, compareView };
}

function wireResults(model, results, on) {
  const { compareAll, exportCsv, exportJson } = results;
  on(exportCsv, "click", () => model.send({ type: "export", format: "csv" }));
  on(exportJson, "click", () => model.send({ type: "export", format: "json" }));
  on(compareAll, "click", () => {
    const done = model.get("jobs").filter((j) => j.has_video).map((j) => j.index);
    model.send({ type: "compare", indexes: done });
  });
}

export function mountPromptLab({ model, el: root }) {
  const releaseKeys = keepKeys(root);
  const wrap = h("div", { class: "sw-root sw-lab", role: "region", "aria-label": "Prompt Lab" });
  root.append(wrap);
  const ui = defineControls(model);
  wrap.append(ui.section);
  const results = layoutResults(wrap);
  const stopCompare = mountLabCompare(model, results.compareView);

  const handlers = [];
  const on = (node, type, fn) => handlers.push(listen(node, type, fn));
  wireDefinition(model, ui, on);
  wireResults(model, results, on);
  const lab = jobsState(model, results.grid, on);

  function onMessage(msg, buffers) {
    if (msg && msg.type === "download" && buffers && buffers.length) {
      download(wrap, msg, buffers);
      return;
    }
    showThumb(lab, msg, buffers);
  }

  const draws = {
    definition: () => drawDefinition(model, ui),
    summary: () => drawSummary(model, ui),
    jobs: () => drawJobs(lab),
    timeline: () => drawTimeline(model, results.timelineBox, results.timelineImg),
  };
  const unbind = [
    onTraits(model, ["mode", "template", "slots", "prompts", "sizes", "seconds", "budget", "concurrency"], draws.definition),
    onTraits(model, ["summary", "running", "spent", "message", "error"], draws.summary),
    onTraits(model, ["jobs", "running", "compare_indexes"], draws.jobs),
    onTraits(model, ["timeline"], draws.timeline),
  ];
  model.on("msg:custom", onMessage);
  for (const draw of Object.values(draws)) draw();

  return () => {
    stopCompare();
    releaseKeys();
    for (const undo of unbind) undo();
    model.off("msg:custom", onMessage);
    for (const undo of handlers) undo();
    releaseJobs(lab);
  };
}

export default { render: mountPromptLab };
