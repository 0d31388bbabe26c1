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
var KEEP_KEYS_IN = "input, textarea, select, button, video, [contenteditable]";
var KEY_EVENTS = ["keydown", "keypress", "keyup"];
function keepKeys(root) {
  const stop = (event) => {
    if (event.key === "Escape") return;
    const control = event.target instanceof Element ? event.target.closest(KEEP_KEYS_IN) : null;
    if (control && root.contains(control)) event.stopPropagation();
  };
  for (const type of KEY_EVENTS) root.addEventListener(type, stop);
  return () => {
    for (const type of KEY_EVENTS) root.removeEventListener(type, stop);
  };
}
function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}

// sora_widgets/widgets/static/strip.js
var NEAR_PX = 300;
var WANT_BATCH = 64;
var FRAME_TRAITS = ["arrangement", "label", "empty_text"];
function mountStrip({ model, el }) {
  const releaseKeys = keepKeys(el);
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  const tiles = /* @__PURE__ */ new Map();
  let wanted = /* @__PURE__ */ new Set();
  let wantTimer = null;
  function sendWanted() {
    wantTimer = null;
    const keys = [...wanted];
    wanted = /* @__PURE__ */ new Set();
    for (let i = 0; i < keys.length; i += WANT_BATCH) model.send({ type: "want", keys: keys.slice(i, i + WANT_BATCH) });
  }
  function want(key) {
    wanted.add(key);
    if (wantTimer === null) wantTimer = setTimeout(sendWanted, 16);
  }
  function showImage(tile) {
    tile.thumb.replaceChildren(h("img", { src: tile.url, alt: "" }));
  }
  function dropImage(tile) {
    if (tile.url) URL.revokeObjectURL(tile.url);
    tile.url = null;
    tile.thumb.replaceChildren(h("span", { class: "sw-strip-status", text: tile.item.thumb ? "…" : statusWord(model, tile.item.status) }));
  }
  const observer = typeof IntersectionObserver === "function" ? new IntersectionObserver(
    (records) => {
      for (const record of records) {
        const tile = tiles.get(record.target.dataset.key);
        if (!tile) continue;
        tile.visible = record.isIntersecting;
        if (tile.visible && tile.item.thumb && !tile.url) want(tile.item.key);
        else if (!tile.visible && tile.url) dropImage(tile);
      }
    },
    { rootMargin: `${NEAR_PX}px` }
  ) : null;
  function build(item) {
    const thumb = h("div", { class: "sw-strip-thumb" });
    const node = h(
      "button",
      { class: "sw-strip-tile", type: "button", role: "listitem", "data-key": item.key, "data-status": item.status, title: item.title },
      [thumb, h("span", { class: "sw-strip-title", text: item.title }), h("span", { class: "sw-strip-sub sw-muted", text: item.subtitle })]
    );
    node.setAttribute("aria-label", `${item.title} (${item.subtitle || statusWord(model, item.status)})`);
    if (item.portrait) node.classList.add("sw-portrait");
    node.addEventListener("click", () => model.send({ type: "select", key: item.key }));
    const tile = { node, thumb, item, sig: JSON.stringify(item), visible: !observer, url: null };
    dropImage(tile);
    if (observer) observer.observe(node);
    else if (item.thumb) want(item.key);
    return tile;
  }
  function forget(key) {
    const tile = tiles.get(key);
    if (!tile) return;
    if (observer) observer.unobserve(tile.node);
    if (tile.url) URL.revokeObjectURL(tile.url);
    tile.node.remove();
    tiles.delete(key);
  }
  function paintItems() {
    const items = model.get("items");
    const keys = new Set(items.map((i) => i.key));
    for (const key of [...tiles.keys()]) if (!keys.has(key)) forget(key);
    let cursor = list.firstChild;
    for (const item of items) {
      let tile = tiles.get(item.key);
      const sig = JSON.stringify(item);
      if (tile && tile.sig !== sig) {
        forget(item.key);
        tile = null;
      }
      if (!tile) {
        tile = build(item);
        tiles.set(item.key, tile);
      }
      if (tile.node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(tile.node, cursor);
    }
    empty.hidden = items.length > 0;
    paintSelected();
  }
  let selectedKey = null;
  function paintSelected() {
    const key = model.get("selected");
    for (const k of [selectedKey, key]) {
      const tile = tiles.get(k);
      if (!tile) continue;
      tile.node.classList.toggle("sw-selected", k === key);
      if (k === key) tile.node.setAttribute("aria-current", "true");
      else tile.node.removeAttribute("aria-current");
    }
    selectedKey = key;
  }
  function paintFrame() {
    root.dataset.arrangement = model.get("arrangement");
    heading.textContent = model.get("label");
    heading.hidden = !heading.textContent;
    list.setAttribute("aria-label", model.get("label") || "Results");
    empty.textContent = model.get("empty_text");
  }
  function onMessage(msg, buffers) {
    if (msg.type === "thumb" && buffers?.length) {
      const tile = tiles.get(msg.key);
      if (!tile || !tile.visible) return;
      if (tile.url) URL.revokeObjectURL(tile.url);
      tile.url = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime }));
      showImage(tile);
    }
  }
  model.on("change:items", paintItems);
  model.on("change:selected", paintSelected);
  for (const name of FRAME_TRAITS) model.on(`change:${name}`, paintFrame);
  model.on("msg:custom", onMessage);
  paintFrame();
  paintItems();
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    model.off("change:items", paintItems);
    model.off("change:selected", paintSelected);
    for (const name of FRAME_TRAITS) model.off(`change:${name}`, paintFrame);
    model.off("msg:custom", onMessage);
    if (observer) observer.disconnect();
    if (wantTimer !== null) clearTimeout(wantTimer);
    for (const tile of tiles.values()) if (tile.url) URL.revokeObjectURL(tile.url);
    tiles.clear();
    el.replaceChildren();
  };
}
var strip_default = { render: mountStrip };
export {
  FRAME_TRAITS,
  NEAR_PX,
  WANT_BATCH,
  strip_default as default,
  mountStrip
};
