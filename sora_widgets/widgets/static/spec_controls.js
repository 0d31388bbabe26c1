// One generic renderer for any model's spec. Python sends the controls as data (the `controls`
// trait: {name, label, kind, options, min, max, step, required, description}); values live in the
// `values` trait by control name, images are uploaded per picker ("slot"). Nothing here knows a
// model. Every label is visible text linked to its control (accessible name = visible text);
// all text is set with textContent.

import { activeIn, bufferUrl, h, imageUpload, labelled } from "./_dom.js";
import { itemsEditor } from "./spec_items.js";

// Controls' values in the `values` trait (none: not sent), set as one edit of the form (`set`:
// the form's resync, which keeps the page's values while the kernel catches up).
function setValues(sc, changes) {
  const values = { ...sc.model.get("values") };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === "") delete values[name];
    else values[name] = value;
  }
  sc.set("values", values);
}

function setValue(sc, name, value) {
  setValues(sc, { [name]: value });
}

function field(control, input) {
  const node = labelled(control.label + (control.required ? " *" : ""), input, "sw-pb-field sw-spec-field");
  if (control.description) input.title = control.description;
  return node;
}

// One builder per kind of control: each returns [node, paint(value)].
const BUILDERS = {
  choice(sc, control) {
    const select = h("select", {});
    // No default: "—" (not sent) until one is chosen, as for a nested object's fields.
    if (control.default === undefined) select.append(h("option", { value: "", text: "—" }));
    for (const option of control.options) select.append(h("option", { value: option, text: option }));
    sc.listen(select, "change", () => setValue(sc, control.name, select.value));
    const paint = (v) => (select.value = v === undefined ? "" : String(v));
    return [field(control, select), paint];
  },
  toggle(sc, control) {
    const input = h("input", { type: "checkbox", role: "switch" });
    sc.listen(input, "change", () => setValue(sc, control.name, input.checked));
    const text = control.label + (control.required ? " *" : "");
    const node = h("label", { class: "sw-spec-toggle" }, [input, document.createTextNode(text)]);
    if (control.description) input.title = control.description;
    return [node, (v) => (input.checked = Boolean(v))];
  },
  slider(sc, control) {
    const input = h("input", { type: "range", min: String(control.min), max: String(control.max), step: String(control.step) });
    const shown = h("output", { class: "sw-spec-out" });
    sc.listen(input, "input", () => {
      shown.textContent = input.value;
      setValue(sc, control.name, Number(input.value));
    });
    const node = field(control, input);
    node.append(shown);
    const paint = (v) => {
      if (v !== undefined) input.value = String(v);
      shown.textContent = input.value;
    };
    return [node, paint];
  },
  number(sc, control) {
    const input = h("input", { type: "number", step: String(control.step) });
    if (control.min !== null && control.min !== undefined) input.min = String(control.min);
    if (control.max !== null && control.max !== undefined) input.max = String(control.max);
    sc.listen(input, "input", () => setValue(sc, control.name, input.value === "" ? null : Number(input.value)));
    return [field(control, input), (v) => (input.value = v === undefined || v === null ? "" : String(v))];
  },
  text(sc, control) {
    const input = h("input", { type: "text" });
    if (control.max_length) input.maxLength = control.max_length;
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => (input.value = v === undefined ? "" : String(v))];
  },
  json(sc, control) {
    const input = h("textarea", { rows: "2", placeholder: "JSON" });
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => (input.value = v === undefined ? "" : String(v))];
  },
  image: imagePicker,
  items: itemsEditor,
};

// An image picker for one slot: chosen, previewed as it will be sent, removed.
function imagePicker(sc, control) {
  const { model } = sc;
  const slot = control.name;
  const name = control.label.toLowerCase();
  // The form goes with the file: a typed item's row added just before may not have reached the
  // kernel yet (ipywidgets holds state updates back while messages are in flight; this one is not).
  const fields = () => ({ slot, form: sc.form() });
  const { file, choose } = imageUpload(model, sc.listen, { fields, props: { class: "sw-pb-file" }, chooseText: `Choose ${name}…` });
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove ${name}` });
  sc.listen(remove, "click", () => model.send({ type: "clear_image", slot }));
  const preview = h("img", { class: "sw-pb-preview", alt: `${control.label} as it will be sent` });
  const info = h("div", { class: "sw-muted" });
  const notes = h("ul", { class: "sw-pb-notes" });
  const node = field(control, file);
  node.append(choose, h("div", { class: "sw-pb-image" }, [preview, h("div", { class: "sw-pb-imageinfo" }, [info, notes, remove])]));
  const paint = () => {
    const shown = model.get("slots")[slot];
    node.querySelector(".sw-pb-image").hidden = !shown;
    info.textContent = shown ? shown.label : "";
    notes.replaceChildren(...(shown ? shown.notes : []).map((n) => h("li", { text: n })));
    if (sc.previews[slot]) preview.src = sc.previews[slot].url;
    else preview.removeAttribute("src");
  };
  return [node, paint];
}

export function mountSpecControls(model, { set, listen, form }) {
  const box = h("div", { class: "sw-spec" });
  // previews: slot -> object URL of its preview; builders/setValues: for the typed-items rows;
  // form: what the page set that the kernel has not confirmed (sent with an image).
  const sc = { model, set, listen, form, previews: {}, builders: BUILDERS };
  sc.setValues = (changes) => setValues(sc, changes);
  let painters = [];

  function build() {
    painters = [];
    const nodes = [];
    for (const control of model.get("controls")) {
      const make = BUILDERS[control.kind] || BUILDERS.text;
      const [node, paint] = make(sc, control);
      node.setAttribute("data-name", control.name);
      nodes.push(node);
      painters.push([control.name, paint, control.kind]);
    }
    box.replaceChildren(...nodes);
    box.hidden = !nodes.length;
    paint();
  }

  function paint() {
    const values = model.get("values");
    const active = activeIn(box);
    for (const [name, painter, kind] of painters) {
      // The control being typed in keeps what the page shows (typed items see to their rows).
      const control = box.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (kind !== "items" && control && control.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name], values);
    }
  }

  // A slot image's bytes (after "slots" says which version is current).
  function image(msg, buffers) {
    const old = sc.previews[msg.slot];
    if (old) URL.revokeObjectURL(old.url);
    sc.previews[msg.slot] = { url: bufferUrl(buffers[0], msg.mime), version: msg.version };
    paint();
  }

  function dispose() {
    for (const p of Object.values(sc.previews)) URL.revokeObjectURL(p.url);
  }

  return { node: box, build, paint, image, dispose };
}
