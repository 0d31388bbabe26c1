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
function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}
function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}

// sora_widgets/widgets/static/strip.js
var NEAR_PX = 300;
var WANT_BATCH = 64;
var FRAME_TRAITS = ["arrangement", "label", "empty_text"];
function layoutStrip(el) {
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  return { heading, list, empty, root };
}
function stripState(model, ui) {
  const st = { model, ui, tiles: /* @__PURE__ */ new Map(), wanted: /* @__PURE__ */ new Set(), wantTimer: null, selectedKey: null };
  st.observer = watchTiles(st);
  return st;
}
function sendWanted(st) {
  st.wantTimer = null;
  const keys = [...st.wanted];
  st.wanted = /* @__PURE__ */ new Set();
  for (let i = 0; i < keys.length; i += WANT_BATCH) st.model.send({ type: "want", keys: keys.slice(i, i + WANT_BATCH) });
}
function want(st, key) {
  st.wanted.add(key);
  if (st.wantTimer === null) st.wantTimer = setTimeout(() => sendWanted(st), 16);
}
function showImage(tile) {
  tile.thumb.replaceChildren(h("img", { src: tile.url, alt: "" }));
}
function dropImage(model, tile) {
  if (tile.url) URL.revokeObjectURL(tile.url);
  tile.url = null;
  tile.thumb.replaceChildren(h("span", { class: "sw-strip-status", text: tile.item.thumb ? "…" : statusWord(model, tile.item.status) }));
}
function watchTiles(st) {
  if (typeof IntersectionObserver !== "function") return null;
  return new IntersectionObserver(
    (records) => {
      for (const record of records) {
        const tile = st.tiles.get(record.target.dataset.key);
        if (!tile) continue;
        tile.visible = record.isIntersecting;
        if (tile.visible && tile.item.thumb && !tile.url) want(st, tile.item.key);
        else if (!tile.visible && tile.url) dropImage(st.model, tile);
      }
    },
    { rootMargin: `${NEAR_PX}px` }
  );
}
function buildTile(st, item) {
  const { model, observer } = st;
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
  dropImage(model, tile);
  if (observer) observer.observe(node);
  else if (item.thumb) want(st, item.key);
  return tile;
}
function forget(st, key) {
  const tile = st.tiles.get(key);
  if (!tile) return;
  if (st.observer) st.observer.unobserve(tile.node);
  if (tile.url) URL.revokeObjectURL(tile.url);
  tile.node.remove();
  st.tiles.delete(key);
}
function paintItems(st) {
  const { tiles, ui } = st;
  const items = st.model.get("items");
  const keys = new Set(items.map((i) => i.key));
  for (const key of [...tiles.keys()]) if (!keys.has(key)) forget(st, key);
  let cursor = ui.list.firstChild;
  for (const item of items) {
    let tile = tiles.get(item.key);
    const sig = JSON.stringify(item);
    if (tile && tile.sig !== sig) {
      forget(st, item.key);
      tile = null;
    }
    if (!tile) {
      tile = buildTile(st, item);
      tiles.set(item.key, tile);
    }
    if (tile.node === cursor) cursor = cursor.nextSibling;
    else ui.list.insertBefore(tile.node, cursor);
  }
  ui.empty.hidden = items.length > 0;
  paintSelected(st);
}
function paintSelected(st) {
  const key = st.model.get("selected");
  for (const k of [st.selectedKey, key]) {
    const tile = st.tiles.get(k);
    if (!tile) continue;
    tile.node.classList.toggle("sw-selected", k === key);
    if (k === key) tile.node.setAttribute("aria-current", "true");
    else tile.node.removeAttribute("aria-current");
  }
  st.selectedKey = key;
}
function paintFrame(model, ui) {
  ui.root.dataset.arrangement = model.get("arrangement");
  ui.heading.textContent = model.get("label");
  ui.heading.hidden = !ui.heading.textContent;
  ui.list.setAttribute("aria-label", model.get("label") || "Results");
  ui.empty.textContent = model.get("empty_text");
}
function takeThumb(st, msg, buffers) {
  if (msg.type === "thumb" && buffers?.length) {
    const tile = st.tiles.get(msg.key);
    if (!tile || !tile.visible) return;
    if (tile.url) URL.revokeObjectURL(tile.url);
    tile.url = bufferUrl(buffers[0], msg.mime);
    showImage(tile);
  }
}
function mountStrip({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStrip(el);
  const st = stripState(model, ui);
  const onItems = () => paintItems(st);
  const onSelected = () => paintSelected(st);
  const onFrame = () => paintFrame(model, ui);
  const onMessage = (msg, buffers) => takeThumb(st, msg, buffers);
  model.on("change:items", onItems);
  model.on("change:selected", onSelected);
  for (const name of FRAME_TRAITS) model.on(`change:${name}`, onFrame);
  model.on("msg:custom", onMessage);
  onFrame();
  onItems();
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    model.off("change:items", onItems);
    model.off("change:selected", onSelected);
    for (const name of FRAME_TRAITS) model.off(`change:${name}`, onFrame);
    model.off("msg:custom", onMessage);
    if (st.observer) st.observer.disconnect();
    if (st.wantTimer !== null) clearTimeout(st.wantTimer);
    for (const tile of st.tiles.values()) if (tile.url) URL.revokeObjectURL(tile.url);
    st.tiles.clear();
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
