// sora_widgets/widgets/static/_dom.js
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
function bufferBytes(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}
function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// sora_widgets/widgets/static/frames.js
function formatTime(seconds) {
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
    title: `Seek to ${formatTime(time)}`
  });
  const known = urls.get(rowKey);
  if (known && known[column]) button.append(h("img", { src: known[column], alt: "" }));
  else button.append(h("span", { class: "sw-fc-wait sw-muted", text: "…" }));
  return button;
}
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
      h("span", { class: "sw-fc-label", role: "rowheader", title: row.prompt, text: row.label || row.prompt })
    ]);
    if (row.portrait) line.classList.add("sw-portrait");
    times.forEach((t, column) => {
      const cell = still(model, urls, row.key, column, row.label || row.prompt);
      if (Math.abs(t - selected) < 1e-3) cell.classList.add("sw-fc-selected");
      line.append(cell);
    });
    return line;
  });
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
function mountFrames({ model, el }) {
  const title = h("div", { class: "sw-fc-title" });
  const table = h("div", { class: "sw-fc-grid", role: "grid" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const root = h("div", { class: "sw-root sw-fc" }, [title, table, alert]);
  el.append(root);
  const urls = /* @__PURE__ */ new Map();
  const view = { title, table, alert, urls };
  const repaint = () => paint(model, view);
  function onClick(event) {
    const target = event.target.closest(".sw-fc-still");
    if (!target || !table.contains(target)) return;
    const column = Number(target.dataset.column);
    const time = model.get("times")[column];
    if (time === void 0) return;
    model.send({ type: "seek", time });
  }
  function onMessage(msg, buffers) {
    if (msg.type !== "row" || !buffers?.length) return;
    const times = model.get("times") || [];
    if (JSON.stringify(msg.times) !== JSON.stringify(times)) return;
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
var frames_default = { render: mountFrames };
export {
  frames_default as default,
  formatTime,
  mountFrames
};
