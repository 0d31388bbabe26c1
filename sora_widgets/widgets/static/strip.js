// ResultStrip front end: tiles with thumbnails (binary buffers -> Blob URLs); text via textContent.

function render({ model, el }) {
  const releaseKeys = keepKeys(el);
  const heading = h("div", { class: "sw-strip-heading" });
  const list = h("div", { class: "sw-strip-list", role: "list" });
  const empty = h("div", { class: "sw-strip-empty sw-muted" });
  const root = h("div", { class: "sw-root sw-strip" }, [heading, list, empty]);
  el.append(root);
  const urls = new Map(); // key -> object URL of its thumbnail

  function tile(item) {
    const img = h("div", { class: "sw-strip-thumb" });
    if (urls.has(item.key)) {
      img.append(h("img", { src: urls.get(item.key), alt: "" }));
    } else {
      img.append(h("span", { class: "sw-strip-status", text: item.thumb ? "…" : item.status }));
    }
    const button = h(
      "button",
      { class: "sw-strip-tile", type: "button", role: "listitem", "data-key": item.key, "data-status": item.status, title: item.title },
      [img, h("span", { class: "sw-strip-title", text: item.title }), h("span", { class: "sw-strip-sub sw-muted", text: item.subtitle })],
    );
    button.setAttribute("aria-label", `${item.title} (${item.subtitle || item.status})`);
    if (item.portrait) button.classList.add("sw-portrait");
    if (item.key === model.get("selected")) {
      button.classList.add("sw-selected");
      button.setAttribute("aria-current", "true");
    }
    button.addEventListener("click", () => model.send({ type: "select", key: item.key }));
    return button;
  }

  function paint() {
    root.dataset.arrangement = model.get("arrangement");
    const items = model.get("items");
    heading.textContent = model.get("label");
    heading.hidden = !heading.textContent;
    list.setAttribute("aria-label", model.get("label") || "Results");
    list.replaceChildren(...items.map(tile));
    empty.textContent = model.get("empty_text");
    empty.hidden = items.length > 0;
    // Forget thumbnails of tiles that are gone.
    const keys = new Set(items.map((i) => i.key));
    for (const [key, url] of urls) {
      if (!keys.has(key)) {
        URL.revokeObjectURL(url);
        urls.delete(key);
      }
    }
  }

  function onMessage(msg, buffers) {
    if (msg.type === "thumb" && buffers?.length) {
      if (urls.has(msg.key)) URL.revokeObjectURL(urls.get(msg.key));
      urls.set(msg.key, URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime })));
      paint();
    }
  }

  model.on("change", paint);
  model.on("msg:custom", onMessage);
  paint();
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    model.off("change", paint);
    model.off("msg:custom", onMessage);
    for (const url of urls.values()) URL.revokeObjectURL(url);
  };
}

export default { render };
