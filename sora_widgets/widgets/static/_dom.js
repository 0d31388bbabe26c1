// Helpers every widget front end shares. anywidget ESM cannot import sibling files, so Python
// puts this file in front of each widget's own JS (_common.widget_esm); plain declarations only,
// no imports or exports here.

// An element with attributes ("class" sets className, "text" sets textContent, never innerHTML).
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

// Buffers arrive as DataView (or ArrayBuffer); a Blob wants the exact byte range.
function bufferBytes(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

// An id unique in the page (several views of one widget can be on it at once).
let uidCounter = 0;
function uid(prefix) {
  return `${prefix}-${++uidCounter}-${Math.random().toString(36).slice(2, 7)}`;
}

// Run fn when any of the traits in names changes; returns the function that stops listening.
// One event name per model.on/off call: that is anywidget's standard front-end API. Jupyter's
// widget manager also splits "change:a change:b", but marimo's does not (it never fires).
function onTraits(model, names, fn) {
  const events = names.map((name) => `change:${name}`);
  for (const event of events) model.on(event, fn);
  return () => {
    for (const event of events) model.off(event, fn);
  };
}
