// FrameCompare front end: a grid, one row per video and one column per moment. Stills arrive as
// JPEG buffers (one message per row) and show from Blob URLs; a click on a still (or Enter/Space
// on it) asks Python to seek every linked player there. Text goes through textContent only.

import { activeIn, bufferUrl, h } from "./_dom.js";
import "./frames.css";

export function formatTime(seconds) {
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

function still(model, urls, rowKey, column, label) {
  const time = model.get("times")[column];
  const button = h("button", {
    type: "button",
    class: "sw-fc-still",
    "data-row": rowKey,
    "data-column": String(column),
    "aria-label": `${label} at ${formatTime(time)}: seek the players here`,
    title: `Seek to ${formatTime(time)}`,
  });
  const known = urls.get(rowKey);
  if (known && known[column]) button.append(h("img", { src: known[column], alt: "" }));
  else button.append(h("span", { class: "sw-fc-wait sw-muted", text: "…" }));
  return button;
}

// The grid redrawn from the traits; Blob URLs of rows no longer shown are let go.
function paint(model, view) {
  const { title, table, alert, urls } = view;
  title.textContent = model.get("title");
  const times = model.get("times") || [];
  const rows = model.get("rows") || [];
  const selected = model.get("selected_time");
  table.style.setProperty("--sw-fc-columns", String(Math.max(1, times.length)));
  const header = h("div", { class: "sw-fc-row sw-fc-head", role: "row" }, [h("span", { class: "sw-fc-label", role: "columnheader", text: "" })]);
  times.forEach((t, column) => {
    const cell = h("span", { class: "sw-fc-time", role: "columnheader", text: formatTime(t) });
    if (Math.abs(t - selected) < 1e-3) cell.classList.add("sw-fc-selected");
    cell.dataset.column = String(column);
    header.append(cell);
  });
  const body = rows.map((row) => {
    const line = h("div", { class: "sw-fc-row", role: "row", "data-row": row.key }, [
      h("span", { class: "sw-fc-label", role: "rowheader", title: row.prompt, text: row.label || row.prompt }),
    ]);
    if (row.portrait) line.classList.add("sw-portrait");
    times.forEach((t, column) => {
      const cell = still(model, urls, row.key, column, row.label || row.prompt);
      if (Math.abs(t - selected) < 1e-3) cell.classList.add("sw-fc-selected");
      line.append(cell);
    });
    return line;
  });
  // Keep the focused still focused across repaints (keyboard users click with Enter/Space).
  const focused = activeIn(table);
  const focusKey = focused && table.contains(focused) ? [focused.dataset.row, focused.dataset.column] : null;
  table.replaceChildren(header, ...body);
  if (focusKey) {
    const again = table.querySelector(`.sw-fc-still[data-row="${CSS.escape(focusKey[0])}"][data-column="${focusKey[1]}"]`);
    if (again) again.focus();
  }
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  const keys = new Set(rows.map((r) => r.key));
  for (const [key, list] of urls) {
    if (!keys.has(key)) {
      list.forEach((u) => u && URL.revokeObjectURL(u));
      urls.delete(key);
    }
  }
}

export function mountFrames({ model, el }) {
  const title = h("div", { class: "sw-fc-title" });
  const table = h("div", { class: "sw-fc-grid", role: "grid" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const root = h("div", { class: "sw-root sw-fc" }, [title, table, alert]);
  el.append(root);
  const urls = new Map(); // row key -> [object URL per column]
  const view = { title, table, alert, urls };
  const repaint = () => paint(model, view);

  function onClick(event) {
    const target = event.target.closest(".sw-fc-still");
    if (!target || !table.contains(target)) return;
    const column = Number(target.dataset.column);
    const time = model.get("times")[column];
    if (time === undefined) return;
    model.send({ type: "seek", time });
  }

  function onMessage(msg, buffers) {
    if (msg.type !== "row" || !buffers?.length) return;
    const times = model.get("times") || [];
    if (JSON.stringify(msg.times) !== JSON.stringify(times)) return; // stale: for other moments
    const old = urls.get(msg.key);
    if (old) old.forEach((u) => u && URL.revokeObjectURL(u));
    urls.set(msg.key, buffers.map((b) => bufferUrl(b, msg.mime || "image/jpeg")));
    repaint();
  }

  table.addEventListener("click", onClick);
  model.on("change", repaint);
  model.on("msg:custom", onMessage);
  repaint();
  model.send({ type: "ready" });
  return () => {
    table.removeEventListener("click", onClick);
    model.off("change", repaint);
    model.off("msg:custom", onMessage);
    for (const list of urls.values()) list.forEach((u) => u && URL.revokeObjectURL(u));
    urls.clear();
  };
}

export default { render: mountFrames };
