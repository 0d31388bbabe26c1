// Helpers every widget front end shares: each module imports what it uses from here (esbuild
// bundles them into each widget's static/dist/<name>.js). Importing this file brings base.css.

import "./base.css";

// An element with attributes ("class" sets className, "text" sets textContent, never innerHTML).
export function h(tag, props = {}, children = []) {
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
export function bufferBytes(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

// An id unique in the page (several views of one widget can be on it at once).
export let uidCounter = 0;
export function uid(prefix) {
  return `${prefix}-${++uidCounter}-${Math.random().toString(36).slice(2, 7)}`;
}

// Keys pressed in our controls stay in our widget. JupyterLab, Notebook 7 and Voila (Lumino
// apps) run their shortcuts from a keydown listener on the document in the bubbling phase, so
// without this Enter in a textarea becomes "run cell"/"edit mode" and letters become notebook
// commands. ipywidgets' own text boxes stop these events the same way. Escape still goes up, so
// the keyboard can always leave a widget for the notebook. Returns the function that undoes it.
export const KEEP_KEYS_IN = "input, textarea, select, button, video, [contenteditable]";
export const KEY_EVENTS = ["keydown", "keypress", "keyup"];
export function keepKeys(root) {
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

// Run fn when any of the traits in names changes; returns the function that stops listening.
// One event name per model.on/off call: that is anywidget's standard front-end API. Jupyter's
// widget manager also splits "change:a change:b", but marimo's does not (it never fires).
export function onTraits(model, names, fn) {
  const events = names.map((name) => `change:${name}`);
  for (const event of events) model.on(event, fn);
  return () => {
    for (const event of events) model.off(event, fn);
  };
}

// A control with its <label> (linked by id) in a field box of the given class.
export function labelled(text, control, fieldClass = "sw-field") {
  if (!control.id) control.id = uid("sw-f");
  return h("div", { class: fieldClass }, [h("label", { for: control.id, text }), control]);
}

// Listen to a DOM event; returns the function that stops listening.
export function listen(node, type, fn, options) {
  node.addEventListener(type, fn, options);
  return () => node.removeEventListener(type, fn, options);
}

// A <select>'s options from [value, text] pairs, rebuilt only when they change; the shown value
// follows `value` unless the select has the focus (someone is choosing in it).
export function fillSelect(select, options, value) {
  const key = JSON.stringify(options);
  if (select.dataset.options !== key) {
    select.replaceChildren(...options.map(([v, text]) => h("option", { value: String(v), text })));
    select.dataset.options = key;
  }
  if (activeIn(select) !== select) select.value = String(value);
}

// <option>s for choices the kernel sends as [{ id, label }] (models, earlier results).
export function choiceOptions(choices) {
  return choices.map((c) => h("option", { value: String(c.id), text: String(c.label) }));
}

// Ctrl/Cmd+Enter: the key that runs a widget from a prompt box (Shift+Enter is left to Jupyter).
export function isCtrlEnter(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}

// A control that cannot be used here (a move past the end of a list, "Add item" when full): off,
// and marked so that a pass switching a whole form on or off leaves it off (`unavailable`).
export function setUnavailable(node, off) {
  node.dataset.unavailable = String(off);
  node.disabled = off;
}

export function unavailable(node) {
  return node.dataset.unavailable === "true";
}

// An image file input and the button that opens it: a chosen file goes to the kernel as bytes in
// an "upload" message (with `fields`, such as the slot it is for; a function is called when the
// file is sent, so it can carry the form as the page shows it then). `on` listens (and keeps the undo).
export function imageUpload(model, on, { fields = {}, props = {}, chooseText }) {
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/*", ...props });
  on(file, "change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const data = await chosen.arrayBuffer();
    const extra = typeof fields === "function" ? fields() : fields;
    model.send({ type: "upload", ...extra, name: chosen.name, mime: chosen.type }, undefined, [data]);
    file.value = "";
  });
  const choose = h("button", { class: "sw-btn", type: "button", text: chooseText });
  on(choose, "click", () => file.click());
  return { file, choose };
}

// An object URL for bytes that came in a custom message (revoke it when it is replaced).
export function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}

// Set one trait from the page and send it to Python (the one name for "set a trait and save").
export function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

// A child widget's model, from a trait holding a reference to it ("IPY_MODEL_<id>", as
// ipywidgets' widget_serialization writes it). Composite widgets (the Studio, the Gallery) draw
// their parts from these models with the parts' own mount functions: one anywidget on the page,
// no nested widget views (anywidget's standard API: model.widget_manager.get_model).
export async function childModel(model, name) {
  const ref = model.get(name);
  if (typeof ref !== "string" || !ref) throw new Error(`${name}: no child widget`);
  const id = ref.startsWith("IPY_MODEL_") ? ref.slice("IPY_MODEL_".length) : ref;
  return model.widget_manager.get_model(id);
}

// The word a status is shown with, from the widget's `_statuses` trait (models.task.Status, sent
// by Python as data: no front end spells a status word). A status it does not list shows as it came.
export function statusWord(model, status) {
  const known = (model.get("_statuses") || {})[status];
  return known ? known.word : status;
}

// The element that has focus in the tree `node` is in. In a shadow root (marimo draws widgets in
// one) document.activeElement is the host element, never the box being typed in.
export function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// After a kernel restart (or shutdown) this view's comm is gone for good: a view that still
// looked usable would swallow clicks ("Cannot send"). So `notice` (a node inside `root`) says so
// and the other parts of `root` become inert. Seen from the kernel's own status (JupyterLab,
// Notebook 7 and Voila give the widget manager a kernel with a `statusChanged` signal; its
// "restarting" comes even when the manager does not mark the model), and from the manager's
// "comm_live_update" where it does. Returns the undo.
export const KERNEL_GONE = new Set(["restarting", "autorestarting", "dead"]);
export function showWhenDisconnected(model, el, root, notice) {
  const mark = () => {
    notice.hidden = false;
    root.classList.add("sw-disconnected");
    for (const part of root.children) if (part !== notice) part.inert = true;
  };
  const onStatus = (_kernel, status) => {
    if (KERNEL_GONE.has(status)) mark();
  };
  let timer = null;
  const onLive = () => {
    // The view's class is set by a listener of the same event: read it after this turn.
    timer = setTimeout(() => el.closest(".jupyter-widgets-disconnected") && mark(), 0);
  };
  const kernel = model.widget_manager?.kernel;
  const signal = kernel?.statusChanged;
  if (signal && typeof signal.connect === "function") signal.connect(onStatus);
  model.on("comm_live_update", onLive);
  return () => {
    clearTimeout(timer);
    if (signal && typeof signal.disconnect === "function") signal.disconnect(onStatus);
    model.off("comm_live_update", onLive);
  };
}
