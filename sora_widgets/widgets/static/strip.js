// ResultStrip front end: tiles with thumbnails (binary buffers -> Blob URLs); text via textContent.
//
// Long lists stay cheap: a change of the items touches only the tiles that changed (a tile is
// built once per key and content), a thumbnail that arrives fills its own tile only, and only
// tiles on (or near) the screen hold an image: the view asks the kernel for the thumbnails of
// tiles as they scroll into view ("want") and lets go of them when they scroll far away.

import { bufferUrl, h, keepKeys, statusWord } from "./_dom.js";
import "./strip.css";

// How far outside the visible area a tile still counts as visible: thumbnails are asked for a
// little before they scroll in, so fast scrolling rarely shows an empty tile.
export const NEAR_PX = 300;
// Thumbnail requests made in one frame go to the kernel as one message, at most this many keys.
export const WANT_BATCH = 64;
export const FRAME_TRAITS = ["arrangement", "label", "empty_text"];

function layoutStrip(el) {
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  return { heading, list, empty, root };
}

// The view's tiles by key ({ node, thumb, sig, item, visible, url }), the thumbnails wanted and
// not asked for yet, and the tile shown as selected.
function stripState(model, ui) {
  const st = { model, ui, tiles: new Map(), wanted: new Set(), wantTimer: null, selectedKey: null };
  st.observer = watchTiles(st);
  return st;
}

function sendWanted(st) {
  st.wantTimer = null;
  const keys = [...st.wanted];
  st.wanted = new Set();
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

// Tiles scrolling near the screen want their thumbnail; tiles far away let go of it.
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
    { rootMargin: `${NEAR_PX}px` },
  );
}

function buildTile(st, item) {
  const { model, observer } = st;
  const thumb = h("div", { class: "sw-strip-thumb" });
  const node = h(
    "button",
    { class: "sw-strip-tile", type: "button", role: "listitem", "data-key": item.key, "data-status": item.status, title: item.title },
    [thumb, h("span", { class: "sw-strip-title", text: item.title }), h("span", { class: "sw-strip-sub sw-muted", text: item.subtitle })],
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
    // Only a tile on screen takes the image; the kernel keeps it for when it comes back.
    if (!tile || !tile.visible) return;
    if (tile.url) URL.revokeObjectURL(tile.url);
    tile.url = bufferUrl(buffers[0], msg.mime);
    showImage(tile);
  }
}

export function mountStrip({ model, el }) {
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

export default { render: mountStrip };
