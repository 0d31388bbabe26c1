// PromptLab's job grid, a part of prompt_lab.js: one cell per variant (title, cost, the prompt
// coach's verdict, status, progress, error, middle-frame thumbnail, Rerun/favourite/compare),
// kept for the life of the view and updated in place. Text goes in with textContent only.

import { bufferUrl, h, statusWord } from "./_dom.js";

// What the grid keeps between draws: `on` listens and remembers the listener for the cleanup.
export function jobsState(model, grid, on) {
  return {
    model,
    grid,
    on,
    urls: new Map(), // task id -> Blob URL of its video's middle frame
    requested: new Set(), // task ids whose thumbnail was asked of the kernel
    cells: new Map(), // index -> {cell parts}
  };
}

export function releaseJobs(lab) {
  for (const url of lab.urls.values()) URL.revokeObjectURL(url);
  lab.urls.clear();
}

function thumbFor(lab, job) {
  const { urls } = lab;
  const img = h("img", { class: "sw-lab-thumb", alt: `Middle frame of variant ${job.index + 1}: ${job.label}` });
  img.dataset.index = String(job.index);
  img.dataset.key = job.video_key;
  const known = urls.get(job.video_key);
  if (known) img.src = known;
  return img;
}

function want(lab, job) {
  const { model, urls, requested } = lab;
  if (!job.has_video || urls.has(job.video_key) || requested.has(job.video_key)) return;
  requested.add(job.video_key);
  model.send({ type: "want_thumb", index: job.index, key: job.video_key });
}

// Thumbnails of videos no longer in the jobs (a rebuilt sweep, a rerun) are let go.
function forgetThumbs(lab, jobs) {
  const { urls, requested } = lab;
  const keep = new Set(jobs.map((job) => job.video_key).filter(Boolean));
  for (const [key, url] of urls) {
    if (keep.has(key)) continue;
    URL.revokeObjectURL(url);
    urls.delete(key);
  }
  for (const key of requested) if (!keep.has(key)) requested.delete(key);
}

function makeCell(lab, job) {
  const { model, on } = lab;
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

export function drawJobs(lab) {
  const { model, grid, cells } = lab;
  const jobs = model.get("jobs") || [];
  const compared = new Set(model.get("compare_indexes") || []);
  const seen = new Set();
  const order = [];
  for (const job of jobs) {
    seen.add(job.index);
    let parts = cells.get(job.index);
    if (!parts) {
      parts = makeCell(lab, job);
      cells.set(job.index, parts);
    }
    order.push(parts.cell);
    parts.cell.dataset.status = job.status;
    parts.title.textContent = job.label;
    parts.title.title = job.prompt;
    // The model, its shape and length, its price ("unknown" without one) and how long it ran.
    const ran = job.elapsed ? ` · ran ${job.elapsed}` : "";
    parts.meta.textContent = `${job.model} · ${job.size} · ${job.seconds} s · ${job.cost}${ran}`;
    paintCoach(parts.coach, job.coach);
    const word = statusWord(model, job.status); // the Studio's words (models.task.Status)
    // After an edit the card still shows the last run: it says what Run will do with it.
    const next = { runs: " · runs on Run", dropped: " · edited out: goes on Run" }[job.next] || "";
    parts.cell.dataset.next = job.next || "";
    parts.status.textContent = (job.task_id ? `${word} · ${job.task_id}` : word) + next;
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
      parts.thumb = thumbFor(lab, job);
      parts.media.replaceChildren(parts.thumb);
      parts.key = job.video_key;
    } else if (!job.has_video && parts.thumb) {
      parts.media.replaceChildren();
      parts.thumb = null;
      parts.key = "";
    }
    want(lab, job);
  }
  for (const [index] of cells) if (!seen.has(index)) cells.delete(index);
  forgetThumbs(lab, jobs);
  // Re-insert only when the order changed, so focus and scroll position survive updates.
  const current = [...grid.children];
  if (current.length !== order.length || current.some((node, i) => node !== order[i])) {
    grid.replaceChildren(...order);
  }
}

export function showThumb(lab, msg, buffers) {
  const { urls, cells } = lab;
  if (!msg || msg.type !== "thumb" || !buffers || !buffers.length) return;
  // Only a video still in the grid gets its picture (a late answer for a rebuilt sweep is dropped).
  const showing = [...cells.values()].filter((parts) => parts.key === msg.key);
  if (!showing.length || urls.has(msg.key)) return;
  const url = bufferUrl(buffers[0], msg.mime || "image/jpeg");
  urls.set(msg.key, url);
  for (const parts of showing) if (parts.thumb) parts.thumb.src = url;
}
