// StatusBar front end (an ES module, bundled into static/dist); all server text goes through textContent.

import { h, keepKeys, listen, statusWord, uid } from "./_dom.js";
import "./status_bar.css";

export function clock(seconds) {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) return "";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

// The words a status is shown with come from Python (the `_statuses` trait, read by statusWord in _dom.js).

export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context and focus; selecting the text still lets Ctrl+C work.
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

function layoutStatusBar(el) {
  const status = h("span", { class: "sw-status-badge", role: "status" });
  const label = h("span", { class: "sw-status-label" });
  const times = h("span", { class: "sw-status-times", "aria-live": "off" });
  const fill = h("div", { class: "sw-status-fill" });
  const bar = h(
    "div",
    { class: "sw-status-track", role: "progressbar", "aria-label": "Progress", "aria-valuemin": "0", "aria-valuemax": "100" },
    [fill],
  );
  const percent = h("span", { class: "sw-status-percent" });
  const idLabel = h("label", { class: "sw-status-idlabel", text: "Task id" });
  const idBox = h("input", { class: "sw-status-id", type: "text", readonly: "", "aria-label": "Task id", spellcheck: "false" });
  idBox.id = uid("sw-status-id");
  idLabel.setAttribute("for", idBox.id);
  const copy = h("button", { class: "sw-btn", type: "button", "aria-label": "Copy task id", text: "Copy" });
  const stop = h("button", { class: "sw-btn", type: "button", text: "Stop watching" });
  const again = h("button", { class: "sw-btn", type: "button", text: "Watch again" });
  const errorBox = h("div", { class: "sw-status-error", role: "alert" });
  const note = h("div", { class: "sw-status-note" });
  const idRow = h("div", { class: "sw-status-row sw-status-idrow" }, [idLabel, idBox, copy, stop, again]);
  const root = h("div", { class: "sw-root sw-status" }, [
    h("div", { class: "sw-status-row" }, [status, label, times]),
    h("div", { class: "sw-status-row" }, [bar, percent]),
    idRow,
    errorBox,
    note,
  ]);
  el.append(root);
  return { status, label, times, fill, bar, percent, idBox, copy, stop, again, errorBox, note, idRow, root };
}

// Elapsed time and time left, counted on in the page between the kernel's updates
// (`receivedAt`: when the last elapsed time came).
function tick(model, ui, receivedAt) {
  const phase = model.get("phase");
  const running = phase === "running" || phase === "unknown";
  const drift = running && model.get("watching") ? (Date.now() - receivedAt) / 1000 : 0;
  const elapsed = model.get("elapsed_s");
  const eta = model.get("eta_s");
  const parts = [];
  if (elapsed >= 0) parts.push(`elapsed ${clock(elapsed + drift)}`);
  if (running && eta >= 0) parts.push(`about ${clock(Math.max(0, eta - drift))} left`);
  ui.times.textContent = parts.join(" · ");
}

function paintProgress(model, ui, phase) {
  const { fill, bar, percent } = ui;
  const progress = model.get("progress");
  if (progress >= 0) {
    const pct = Math.round(progress * 100);
    fill.style.width = `${pct}%`;
    bar.setAttribute("aria-valuenow", String(pct));
    bar.classList.remove("sw-indeterminate");
    percent.textContent = `${pct}%`;
  } else {
    fill.style.width = phase === "running" ? "100%" : "0%";
    bar.removeAttribute("aria-valuenow");
    bar.classList.toggle("sw-indeterminate", phase === "running");
    percent.textContent = "";
  }
}

function paintError(model, errorBox) {
  errorBox.replaceChildren();
  const message = model.get("error_message");
  if (message) {
    const code = model.get("error_code");
    const meaning = model.get("error_meaning");
    const advice = model.get("error_advice");
    const head = h("div", { class: "sw-status-error-head" });
    head.append(h("strong", { text: code ? `Error ${code}` : "Error" }));
    if (meaning) head.append(h("span", { text: ` — ${meaning}` }));
    errorBox.append(head, h("div", { class: "sw-status-error-message", text: message }));
    if (advice) errorBox.append(h("div", { class: "sw-status-error-advice", text: `What to do: ${advice}` }));
  }
  errorBox.hidden = !message;
}

function paintStatusBar(model, ui) {
  const { root, idBox } = ui;
  const phase = model.get("phase");
  const raw = model.get("status");
  root.dataset.phase = phase;
  root.classList.toggle("sw-compact", Boolean(model.get("compact")));
  ui.status.textContent = statusWord(model, raw);
  ui.label.textContent = model.get("label");
  paintProgress(model, ui, phase);
  const taskId = model.get("task_id");
  idBox.value = taskId;
  idBox.size = Math.max(8, taskId.length);
  ui.idRow.hidden = !taskId;
  ui.stop.hidden = !model.get("watching");
  ui.again.hidden = phase !== "stopped" || !taskId;
  paintError(model, ui.errorBox);
  ui.note.textContent = model.get("note");
  ui.note.hidden = !model.get("note");
}

export function mountStatusBar({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStatusBar(el);
  let receivedAt = Date.now();
  const onTick = () => tick(model, ui, receivedAt);
  const paint = () => {
    paintStatusBar(model, ui);
    onTick();
  };
  const onElapsed = () => {
    receivedAt = Date.now();
  };
  const onCopy = async () => {
    const ok = await copyText(ui.idBox.value, ui.idBox);
    ui.copy.textContent = ok ? "Copied" : "Select + Ctrl+C";
    setTimeout(() => (ui.copy.textContent = "Copy"), 1500);
  };
  const unlisten = [
    listen(ui.copy, "click", onCopy),
    listen(ui.stop, "click", () => model.send({ type: "stop" })),
    listen(ui.again, "click", () => model.send({ type: "watch" })),
  ];
  model.on("change:elapsed_s", onElapsed);
  model.on("change", paint);
  const timer = setInterval(onTick, 1000);
  paint();

  return () => {
    releaseKeys();
    clearInterval(timer);
    model.off("change:elapsed_s", onElapsed);
    model.off("change", paint);
    for (const undo of unlisten) undo();
  };
}

export default { render: mountStatusBar };
