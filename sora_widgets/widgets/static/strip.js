// ResultStrip front end: tiles with thumbnails (binary buffers -> Blob URLs); text via textContent.
//
// Long lists stay cheap: a change of the items touches only the tiles that changed (a tile is
// built once per key and content), a thumbnail that arrives fills its own tile only, and only
// tiles on (or near) the screen hold an image: the view asks the kernel for the thumbnails of
// tiles as they scroll into view ("want") and lets go of them when they scroll far away.

import { bufferBytes, h, keepKeys, statusWord } from "./_dom.js";
import "./strip.css";

// How far outside the visible area a tile still counts as visible: thumbnails are asked for a
// little before they scroll in, so fast scrolling rarely shows an empty tile.
export const NEAR_PX = 300;
// Thumbnail requests made in one frame go to the kernel as one message, at most this many keys.
export const WANT_BATCH = 64;
export const FRAME_TRAITS = ["arrangement", "label", "empty_text"];

export function mountStrip({ model, el }) {
  const releaseKeys = keepKeys(el);
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  const tiles = new Map(); // key -> { node, thumb, sig, item, visible, url }
  let wanted = new Set();
  let wantTimer = null;

  function sendWanted() {
    wantTimer = null;
    const keys = [...wanted];
    wanted = new Set();
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

  const observer =
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver(
          (records) => {
            for (const record of records) {
              const tile = tiles.get(record.target.dataset.key);
              if (!tile) continue;
              tile.visible = record.isIntersecting;
              if (tile.visible && tile.item.thumb && !tile.url) want(tile.item.key);
              else if (!tile.visible && tile.url) dropImage(tile);
            }
          },
          { rootMargin: `${NEAR_PX}px` },
        )
      : null;

  function build(item) {
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
      // Only a tile on screen takes the image; the kernel keeps it for when it comes back.
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

export default { render: mountStrip };
