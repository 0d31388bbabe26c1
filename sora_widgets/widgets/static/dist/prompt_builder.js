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
var uidCounter = 0;
function uid(prefix) {
  return `${prefix}-${++uidCounter}-${Math.random().toString(36).slice(2, 7)}`;
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
function labelled(text, control, fieldClass = "sw-field") {
  if (!control.id) control.id = uid("sw-f");
  return h("div", { class: fieldClass }, [h("label", { for: control.id, text }), control]);
}
function listen(node, type, fn, options) {
  node.addEventListener(type, fn, options);
  return () => node.removeEventListener(type, fn, options);
}
function choiceOptions(choices) {
  return choices.map((c) => h("option", { value: String(c.id), text: String(c.label) }));
}
function isCtrlEnter(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}
function setUnavailable(node, off) {
  node.dataset.unavailable = String(off);
  node.disabled = off;
}
function unavailable(node) {
  return node.dataset.unavailable === "true";
}
function imageUpload(model, on, { fields = {}, props = {}, chooseText }) {
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/*", ...props });
  on(file, "change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const data = await chosen.arrayBuffer();
    const extra = typeof fields === "function" ? fields() : fields;
    model.send({ type: "upload", ...extra, name: chosen.name, mime: chosen.type }, void 0, [data]);
    file.value = "";
  });
  const choose = h("button", { class: "sw-btn", type: "button", text: chooseText });
  on(choose, "click", () => file.click());
  return { file, choose };
}
function bufferUrl(buffer, mime) {
  return URL.createObjectURL(new Blob([bufferBytes(buffer)], { type: mime }));
}
function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}
function activeIn(node) {
  const root = node.getRootNode();
  return root && "activeElement" in root ? root.activeElement : document.activeElement;
}

// sora_widgets/widgets/static/builder_form.js
var SHOT_FIELDS = [
  ["shot_type", "Shot type", "e.g. Wide shot"],
  ["subject", "Subject", "e.g. a red kite"],
  ["action", "Action", "e.g. gliding over the waves"],
  ["setting", "Setting", "e.g. a beach at dusk"],
  ["lighting", "Lighting", "e.g. warm backlight"],
  ["camera", "Camera movement", "e.g. slow dolly in"]
];
var RESYNC_IDLE_MS = 300;
var RESYNC_RETRY_MS = 2e3;
var FORM_KEYS = ["text", ...SHOT_FIELDS.map(([trait]) => trait), "orientation", "seconds", "fit_mode", "remix_id", "model", "values"];
function formSync(model) {
  const viewId = uid("sw-pb-view");
  let localSeq = 0;
  let ackedSeq = 0;
  let idleTimer = null;
  let lastSent = 0;
  let sent = null;
  let page = {};
  const ahead = () => localSeq !== ackedSeq;
  const form = () => ({ ...page });
  const keepPage = FORM_KEYS.map((key) => {
    const restore = () => {
      if (ahead() && key in page && model.get(key) !== page[key]) model.set(key, page[key]);
    };
    model.on(`change:${key}`, restore);
    return () => model.off(`change:${key}`, restore);
  });
  function sendForm() {
    idleTimer = null;
    if (!ahead()) return;
    lastSent = Date.now();
    sent = { seq: localSeq, form: form() };
    model.send({ type: "form", view: viewId, seq: sent.seq, form: sent.form });
  }
  function edited() {
    localSeq += 1;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(sendForm, RESYNC_IDLE_MS);
  }
  function set(trait, value) {
    page[trait] = value;
    save(model, trait, value);
    edited();
  }
  const retry = setInterval(() => {
    if (ahead() && idleTimer === null && Date.now() - lastSent >= RESYNC_RETRY_MS) sendForm();
  }, RESYNC_RETRY_MS / 2);
  function acknowledged(msg) {
    if (msg.view !== viewId) return false;
    ackedSeq = Math.min(localSeq, Math.max(ackedSeq, Number(msg.seq) || 0));
    if (ahead()) return false;
    page = {};
    if (!sent || sent.seq !== ackedSeq) return false;
    for (const [key, value] of Object.entries(sent.form)) if (model.get(key) !== value) model.set(key, value);
    return true;
  }
  return {
    ahead,
    set,
    form,
    acknowledged,
    // The form was cleared: what it holds now is the kernel's to say.
    forget: () => {
      localSeq = ackedSeq;
      page = {};
    },
    dispose() {
      clearInterval(retry);
      if (idleTimer !== null) clearTimeout(idleTimer);
      keepPage.forEach((off) => off());
    }
  };
}

// sora_widgets/widgets/static/builder_parts.js
function modelPart(pb) {
  const modelSelect = h("select", { class: "sw-pb-model" });
  pb.on(modelSelect, "change", () => pb.sync.set("model", modelSelect.value));
  const modelField = labelled("Model", modelSelect, "sw-pb-field sw-pb-modelfield");
  const modelNote = h("div", { class: "sw-muted sw-pb-modelnote" });
  modelField.append(modelNote);
  return { modelSelect, modelField, modelNote };
}
function promptPart(pb) {
  const bindText = (node, trait) => pb.on(node, "input", () => pb.sync.set(trait, node.value));
  const text = h("textarea", { class: "sw-pb-text", rows: "3", placeholder: "Describe one shot: type, subject, action, setting, lighting, camera movement" });
  bindText(text, "text");
  const promptField = labelled("Prompt", text, "sw-pb-field sw-pb-prompt");
  const hint = h("div", { class: "sw-pb-hint", role: "status" });
  text.before(hint);
  const shotInputs = {};
  const shotGrid = h("div", { class: "sw-pb-grid" });
  for (const [trait, label, hint2] of SHOT_FIELDS) {
    const input = h("input", { type: "text", placeholder: hint2 });
    bindText(input, trait);
    shotInputs[trait] = input;
    shotGrid.append(labelled(label, input, "sw-pb-field"));
  }
  const details = h("details", { class: "sw-pb-details" }, [h("summary", { text: "Shot details (optional)" }), shotGrid]);
  const composed = h("div", { class: "sw-pb-composed" });
  const composedLabel = h("span", { class: "sw-muted", text: "Will be sent: " });
  const composedText = h("span");
  composed.append(composedLabel, composedText);
  return { text, promptField, hint, shotInputs, details, composed, composedText };
}
function radioGroup(pb, legend, name, options, trait, parse = (v) => v) {
  const { model } = pb;
  const fieldset = h("fieldset", { class: "sw-pb-radios" }, [h("legend", { text: legend })]);
  const inputs = [];
  const group = uid(`sw-pb-${name}`);
  for (const [value, text] of options) {
    const input = h("input", { type: "radio", name: group, value: String(value) });
    pb.on(input, "change", () => {
      if (input.checked) pb.sync.set(trait, parse(input.value));
    });
    inputs.push(input);
    fieldset.append(h("label", { class: "sw-pb-radio" }, [input, document.createTextNode(text)]));
  }
  return { fieldset, sync: () => inputs.forEach((i) => i.checked = String(model.get(trait)) === i.value) };
}
function sizePart(pb) {
  const orientations = pb.model.get("_catalog").sizes.map(({ orientation, label }) => [orientation, label]);
  const part = { orientation: radioGroup(pb, "Orientation", "orient", orientations, "orientation"), seconds: null };
  part.secondsHolder = h("div");
  part.buildSeconds = () => {
    const options = pb.model.get("seconds_options").map((s) => [s, `${s} s`]);
    part.seconds = radioGroup(pb, "Length", "secs", options, "seconds", (v) => Number(v));
    part.secondsHolder.replaceChildren(part.seconds.fieldset);
  };
  part.buildSeconds();
  return part;
}
function imagePart(pb) {
  const { file, choose: chooseFile } = imageUpload(pb.model, pb.on, { props: { class: "sw-pb-file" }, chooseText: "Choose image…" });
  file.tabIndex = -1;
  const fileField = labelled("Reference image (optional)", file, "sw-pb-field");
  file.after(chooseFile);
  const fit = radioGroup(pb, "Fit to size", "fit", [["cover", "Cover (crop)"], ["letterbox", "Letterbox (pad)"]], "fit_mode");
  const removeImage = h("button", { class: "sw-btn", type: "button", text: "Remove image" });
  pb.on(removeImage, "click", () => pb.model.send({ type: "clear_image" }));
  const preview = h("img", { class: "sw-pb-preview", alt: "Reference image as it will be sent" });
  const imageLabel = h("div", { class: "sw-muted" });
  const imageNotes = h("ul", { class: "sw-pb-notes" });
  const imageInfo = h("div", { class: "sw-pb-imageinfo" }, [imageLabel, imageNotes, fit.fieldset, removeImage]);
  const imageBox = h("div", { class: "sw-pb-image" }, [preview, imageInfo]);
  return { fileField, fit, preview, imageLabel, imageNotes, imageBox };
}
function remixPart(pb) {
  const remix = h("select", {});
  pb.on(remix, "change", () => pb.sync.set("remix_id", remix.value));
  return { remix, remixField: labelled("Remix of", remix, "sw-pb-field") };
}
function actionsPart(pb, prompt) {
  const { model, on } = pb;
  const price = h("div", { class: "sw-pb-price", "aria-live": "polite" });
  const problem = h("div", { class: "sw-pb-problem sw-muted" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const generate = h("button", { class: "sw-btn sw-btn-primary", type: "button", text: "Generate" });
  const emptyHint = h("span", { class: "sw-muted sw-pb-empty", text: "Type a prompt to generate" });
  const submit = () => model.send({ type: "submit", form: pb.sync.form() });
  on(generate, "click", submit);
  const repeatNote = h("span", { class: "sw-pb-repeat-note" });
  const again = h("button", { class: "sw-btn", type: "button" });
  on(again, "click", () => model.send({ type: "submit", again: true, form: pb.sync.form() }));
  const repeat = h("div", { class: "sw-pb-repeat", role: "status" }, [repeatNote, again]);
  on(prompt.text, "keydown", (event) => {
    if (isCtrlEnter(event) && model.get("show_generate")) {
      event.preventDefault();
      event.stopPropagation();
      if (!generate.disabled) submit();
    }
  });
  const clear = h("button", { class: "sw-btn sw-pb-clear", type: "button", text: "Clear", title: "Empty the prompt, shot details, image and remix" });
  on(clear, "click", () => {
    for (const node of [prompt.text, ...Object.values(prompt.shotInputs)]) node.value = "";
    pb.sync.forget();
    model.send({ type: "clear" });
  });
  const footer = h("div", { class: "sw-pb-footer" }, [price, h("div", { class: "sw-pb-actions" }, [emptyHint, clear, generate])]);
  return { price, problem, alert, generate, emptyHint, repeatNote, again, repeat, footer };
}

// sora_widgets/widgets/static/coach.js
var COACH_ELEMENTS = [
  ["shot", "Shot"],
  ["subject", "Subject"],
  ["action", "Action"],
  ["setting", "Setting"],
  ["lighting", "Lighting"],
  ["camera", "Camera"]
];
var COACH_WORDS_SHOWN = 3;
function coachChecklist(model, trait = "coach") {
  const items = /* @__PURE__ */ new Map();
  const list = h("ul", { class: "sw-coach-list", "aria-label": "Elements found" });
  for (const [key, label] of COACH_ELEMENTS) {
    const mark = h("span", { class: "sw-coach-mark", "aria-hidden": "true" });
    const words = h("span", { class: "sw-coach-words" });
    const state = h("span", { class: "sw-coach-sr" });
    const li = h("li", { class: "sw-coach-item", "data-element": key }, [mark, h("span", { text: label }), words, state]);
    items.set(key, { li, mark, words, state });
    list.append(li);
  }
  const score = h("span", { class: "sw-coach-score" });
  const split = h("span", { class: "sw-coach-split", text: "⚠ several shots" });
  const advice = h("ul", { class: "sw-coach-advice" });
  const node = h("div", { class: "sw-coach", role: "group", "aria-label": "Coach checklist" }, [
    h("div", { class: "sw-coach-head" }, [h("span", { class: "sw-coach-title", text: "Prompt coach" }), score, list, split]),
    advice
  ]);
  function paint2() {
    const report = model.get(trait) || {};
    const present = report.present || {};
    node.hidden = !report.prompt;
    if (node.hidden) node.style.minHeight = "";
    const readable = report.language === void 0 || report.language === "en";
    list.hidden = !readable;
    score.hidden = !readable;
    let found = 0;
    for (const [key, { li, mark, words, state }] of items) {
      const evidence = Array.isArray(present[key]) ? present[key].map(String) : [];
      const ok = evidence.length > 0;
      if (ok) found += 1;
      li.dataset.present = ok ? "true" : "false";
      mark.textContent = ok ? "✓" : "✗";
      const shown = evidence.slice(0, COACH_WORDS_SHOWN);
      const marks = shown.map((w) => h("mark", { class: "sw-coach-word", text: w }));
      if (evidence.length > shown.length) marks.push(h("span", { class: "sw-coach-more", text: `+${evidence.length - shown.length}` }));
      words.replaceChildren(...marks);
      state.textContent = ok ? "" : " (missing)";
      li.title = ok ? `${key}: ${evidence.join(", ")}` : `${key}: not found`;
    }
    score.textContent = `${found}/6`;
    split.hidden = report.single_purpose !== false;
    split.title = (report.splits || []).join(", ");
    const lines = report.advice || [];
    const current = [...advice.children].map((li) => li.textContent);
    if (current.length !== lines.length || current.some((text, i) => text !== lines[i])) {
      advice.replaceChildren(...lines.map((text) => h("li", { text })));
    }
    keepHeight();
  }
  function keepHeight() {
    const height = node.hidden ? 0 : node.getBoundingClientRect().height;
    if (height > 0) node.style.minHeight = `${Math.ceil(height)}px`;
  }
  model.on(`change:${trait}`, paint2);
  paint2();
  return { node, dispose: () => model.off(`change:${trait}`, paint2) };
}

// sora_widgets/widgets/static/spec_items.js
var ROW_KEY = /^(\d+)\.(.+)$/;
function rowsOf(control, values) {
  const prefix = control.name + ".";
  const rows = [];
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith(prefix)) continue;
    const match = ROW_KEY.exec(key.slice(prefix.length));
    if (match && match[2] === "type") rows.push([Number(match[1]), String(value)]);
  }
  return rows.sort((a, b) => a[0] - b[0]);
}
function hasItems(model) {
  const values = model.get("values");
  return model.get("controls").some((c) => c.kind === "items" && c.takes_prompt && rowsOf(c, values).length > 0);
}
function fieldControl(control, id, n, field2) {
  return { ...field2, name: `${control.name}.${id}.${field2.name}`, label: `Item ${n} ${field2.label.toLowerCase()}` };
}
function tradeRows(mapping, name, a, b) {
  const prefix = name + ".";
  const out = {};
  for (const [key, value] of Object.entries(mapping)) {
    const match = key.startsWith(prefix) ? ROW_KEY.exec(key.slice(prefix.length)) : null;
    const row = match ? Number(match[1]) : null;
    out[row === a || row === b ? `${prefix}${row === a ? b : a}.${match[2]}` : key] = value;
  }
  return out;
}
function moveRow(sc, control, id, step, redraw) {
  const rows = rowsOf(control, sc.model.get("values"));
  const other = rows[rows.findIndex(([rowId]) => rowId === id) + step];
  if (!other) return void 0;
  const to = other[0];
  sc.model.send({ type: "move_item", name: control.name, row: id, to });
  const previews = tradeRows(sc.previews, control.name, id, to);
  for (const slot of Object.keys(sc.previews)) delete sc.previews[slot];
  Object.assign(sc.previews, previews);
  redraw([id, to]);
  sc.set("values", tradeRows(sc.model.get("values"), control.name, id, to));
  return to;
}
function focusMoved(root, to, n, dir) {
  const row = root.querySelector(`[data-row="${to}"]`);
  const button = (d) => row?.querySelector(`[aria-label="Move item ${n} ${d}"]`);
  const target = [button(dir), button(dir === "up" ? "down" : "up")].find((b) => b && !b.disabled);
  target?.focus();
}
function buildRow(sc, control, id, type, n, redraw) {
  const select = h("select", {});
  for (const option of control.types) select.append(h("option", { value: option, text: option }));
  select.value = type;
  sc.listen(select, "change", () => sc.setValues({ [`${control.name}.${id}.type`]: select.value }));
  const moves = ["up", "down"].map((dir) => {
    const text = `Move item ${n} ${dir}`;
    const button = h("button", { class: "sw-btn", type: "button", text: dir === "up" ? "↑" : "↓", title: text, "aria-label": text });
    const step = dir === "up" ? -1 : 1;
    sc.listen(button, "click", () => {
      const root = button.closest(".sw-items-rows");
      const to = moveRow(sc, control, id, step, redraw);
      if (to !== void 0 && root) focusMoved(root, to, n + step, dir);
    });
    return button;
  });
  const ends = (count) => {
    setUnavailable(moves[0], n === 1);
    setUnavailable(moves[1], n === count);
  };
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove item ${n}` });
  const fields = (control.fields[type] || []).map((f) => fieldControl(control, id, n, f));
  sc.listen(remove, "click", () => {
    const gone = {};
    const prefix = `${control.name}.${id}.`;
    for (const key of Object.keys(sc.model.get("values"))) if (key.startsWith(prefix)) gone[key] = null;
    sc.setValues(gone);
  });
  const head = h("div", { class: "sw-items-head" }, [labelled(`Item ${n} type`, select, "sw-pb-field"), ...moves, remove]);
  const row = h("div", { class: "sw-items-row", "data-row": String(id) }, [head]);
  const painters = [];
  for (const field2 of fields) {
    const [node, paint2] = (sc.builders[field2.kind] || sc.builders.text)(sc, field2);
    node.setAttribute("data-name", field2.name);
    row.append(node);
    painters.push([field2.name, paint2]);
  }
  return [row, painters, ends];
}
function placeRows(rows, nodes, root) {
  const focused = activeIn(root);
  const focusName = focused && focused.closest("[data-name]")?.getAttribute("data-name");
  for (const child of [...rows.children]) if (!nodes.includes(child)) child.remove();
  nodes.forEach((row, i) => {
    if (rows.children[i] !== row) rows.insertBefore(row, rows.children[i] || null);
  });
  if (focusName && activeIn(root) !== focused) {
    const name = CSS.escape(focusName);
    rows.querySelector(`[data-name="${name}"] input, [data-name="${name}"] select`)?.focus();
  }
}
function itemsEditor(sc, control) {
  const rows = h("div", { class: "sw-items-rows" });
  const kind = h("select", {});
  for (const option of control.types) kind.append(h("option", { value: option, text: option }));
  const add = h("button", { class: "sw-btn", type: "button", text: "Add item" });
  const full = h("span", { class: "sw-muted" });
  sc.listen(add, "click", () => {
    const shown = rowsOf(control, sc.model.get("values"));
    if (control.max_items && shown.length >= control.max_items) return;
    const id = shown.length ? shown[shown.length - 1][0] + 1 : 0;
    sc.setValues({ [`${control.name}.${id}.type`]: kind.value });
  });
  const bar = h("div", { class: "sw-items-add" }, [labelled("New item type", kind, "sw-pb-field"), add, full]);
  const note = control.takes_prompt ? "The prompt box is sent first, as a text item; these items follow it." : "";
  const title = control.label + (control.required ? " *" : "");
  const noteNode = h("div", { class: "sw-muted", text: note });
  noteNode.hidden = !note;
  const node = h("fieldset", { class: "sw-items" }, [h("legend", { text: title }), noteNode, rows, bar]);
  let drawn = /* @__PURE__ */ new Map();
  let painters = [];
  const redraw = (ids) => {
    for (const key of [...drawn.keys()]) if (ids.includes(Number(key.split(":")[0]))) drawn.delete(key);
  };
  const paint2 = (_value, values) => {
    const now = rowsOf(control, values);
    const next = /* @__PURE__ */ new Map();
    painters = [];
    for (const [i, [id, type]] of now.entries()) {
      const key = `${id}:${type}:${i + 1}`;
      const row = drawn.get(key) || buildRow(sc, control, id, type, i + 1, redraw);
      row[2](now.length);
      next.set(key, row);
      painters.push(...row[1]);
    }
    drawn = next;
    placeRows(rows, [...next.values()].map(([row]) => row), node);
    full.textContent = control.max_items && now.length >= control.max_items ? `at most ${control.max_items} items` : "";
    setUnavailable(add, Boolean(control.max_items && now.length >= control.max_items));
    const active = activeIn(node);
    for (const [name, painter] of painters) {
      const field2 = rows.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (field2 && field2.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name]);
    }
  };
  return [node, paint2];
}

// sora_widgets/widgets/static/spec_controls.js
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
var BUILDERS = {
  choice(sc, control) {
    const select = h("select", {});
    if (control.default === void 0) select.append(h("option", { value: "", text: "—" }));
    for (const option of control.options) select.append(h("option", { value: option, text: option }));
    sc.listen(select, "change", () => setValue(sc, control.name, select.value));
    const paint2 = (v) => select.value = v === void 0 ? "" : String(v);
    return [field(control, select), paint2];
  },
  toggle(sc, control) {
    const input = h("input", { type: "checkbox", role: "switch" });
    sc.listen(input, "change", () => setValue(sc, control.name, input.checked));
    const text = control.label + (control.required ? " *" : "");
    const node = h("label", { class: "sw-spec-toggle" }, [input, document.createTextNode(text)]);
    if (control.description) input.title = control.description;
    return [node, (v) => input.checked = Boolean(v)];
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
    const paint2 = (v) => {
      if (v !== void 0) input.value = String(v);
      shown.textContent = input.value;
    };
    return [node, paint2];
  },
  number(sc, control) {
    const input = h("input", { type: "number", step: String(control.step) });
    if (control.min !== null && control.min !== void 0) input.min = String(control.min);
    if (control.max !== null && control.max !== void 0) input.max = String(control.max);
    sc.listen(input, "input", () => setValue(sc, control.name, input.value === "" ? null : Number(input.value)));
    return [field(control, input), (v) => input.value = v === void 0 || v === null ? "" : String(v)];
  },
  text(sc, control) {
    const input = h("input", { type: "text" });
    if (control.max_length) input.maxLength = control.max_length;
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => input.value = v === void 0 ? "" : String(v)];
  },
  json(sc, control) {
    const input = h("textarea", { rows: "2", placeholder: "JSON" });
    sc.listen(input, "input", () => setValue(sc, control.name, input.value));
    return [field(control, input), (v) => input.value = v === void 0 ? "" : String(v)];
  },
  image: imagePicker,
  items: itemsEditor
};
function imagePicker(sc, control) {
  const { model } = sc;
  const slot = control.name;
  const name = control.label.toLowerCase();
  const fields = () => ({ slot, form: sc.form() });
  const { file, choose } = imageUpload(model, sc.listen, { fields, props: { class: "sw-pb-file" }, chooseText: `Choose ${name}…` });
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove ${name}` });
  sc.listen(remove, "click", () => model.send({ type: "clear_image", slot }));
  const preview = h("img", { class: "sw-pb-preview", alt: `${control.label} as it will be sent` });
  const info = h("div", { class: "sw-muted" });
  const notes = h("ul", { class: "sw-pb-notes" });
  const node = field(control, file);
  node.append(choose, h("div", { class: "sw-pb-image" }, [preview, h("div", { class: "sw-pb-imageinfo" }, [info, notes, remove])]));
  const paint2 = () => {
    const shown = model.get("slots")[slot];
    node.querySelector(".sw-pb-image").hidden = !shown;
    info.textContent = shown ? shown.label : "";
    notes.replaceChildren(...(shown ? shown.notes : []).map((n) => h("li", { text: n })));
    if (sc.previews[slot]) preview.src = sc.previews[slot].url;
    else preview.removeAttribute("src");
  };
  return [node, paint2];
}
function mountSpecControls(model, { set, listen: listen2, form }) {
  const box = h("div", { class: "sw-spec" });
  const sc = { model, set, listen: listen2, form, previews: {}, builders: BUILDERS };
  sc.setValues = (changes) => setValues(sc, changes);
  let painters = [];
  function build() {
    painters = [];
    const nodes = [];
    for (const control of model.get("controls")) {
      const make = BUILDERS[control.kind] || BUILDERS.text;
      const [node, paint3] = make(sc, control);
      node.setAttribute("data-name", control.name);
      nodes.push(node);
      painters.push([control.name, paint3, control.kind]);
    }
    box.replaceChildren(...nodes);
    box.hidden = !nodes.length;
    paint2();
  }
  function paint2() {
    const values = model.get("values");
    const active = activeIn(box);
    for (const [name, painter, kind] of painters) {
      const control = box.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (kind !== "items" && control && control.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name], values);
    }
  }
  function image(msg, buffers) {
    const old = sc.previews[msg.slot];
    if (old) URL.revokeObjectURL(old.url);
    sc.previews[msg.slot] = { url: bufferUrl(buffers[0], msg.mime), version: msg.version };
    paint2();
  }
  function dispose() {
    for (const p of Object.values(sc.previews)) URL.revokeObjectURL(p.url);
  }
  return { node: box, build, paint: paint2, image, dispose };
}

// sora_widgets/widgets/static/prompt_builder.js
function layoutBuilder(pb, el) {
  const ui = { ...modelPart(pb), ...promptPart(pb), size: sizePart(pb), ...imagePart(pb), ...remixPart(pb) };
  Object.assign(ui, actionsPart(pb, ui));
  ui.spec = mountSpecControls(pb.model, { set: pb.sync.set, listen: pb.on, form: pb.sync.form });
  pb.cleanups.push(ui.spec.dispose);
  ui.soraRows = [
    h("div", { class: "sw-pb-row" }, [ui.size.orientation.fieldset, ui.size.secondsHolder]),
    h("div", { class: "sw-pb-row" }, [ui.fileField, ui.remixField])
  ];
  ui.root = h("div", { class: "sw-root sw-pb" }, [
    ui.modelField,
    ui.promptField,
    ui.details,
    ui.composed,
    ui.spec.node,
    ...ui.soraRows,
    ui.imageBox,
    ui.problem,
    ui.alert,
    ui.footer,
    ui.repeat
  ]);
  el.append(ui.root);
  const checklist = coachChecklist(pb.model);
  ui.composed.after(checklist.node);
  pb.cleanups.push(checklist.dispose);
  return ui;
}
function paintModels(pb, ui) {
  const { model } = pb;
  const { modelSelect, modelNote } = ui;
  const choices = model.get("model_choices");
  const same = modelSelect.options.length === choices.length && choices.every((c, i) => modelSelect.options[i].value === c.id);
  if (!same) modelSelect.replaceChildren(...choiceOptions(choices));
  if (!pb.sync.ahead() || activeIn(modelSelect) !== modelSelect) modelSelect.value = model.get("model");
  ui.modelField.hidden = choices.length < 2;
  modelNote.textContent = model.get("model_note");
  modelNote.hidden = !modelNote.textContent;
  const sora = !model.get("model");
  for (const row of ui.soraRows) row.hidden = !sora;
  return sora;
}
function paintForm(pb, ui, sora) {
  const { model } = pb;
  const setValue2 = (node, value) => {
    if (node.value !== value && !pb.sync.ahead()) node.value = value;
  };
  setValue2(ui.text, model.get("text"));
  let anyShot = false;
  for (const [trait] of SHOT_FIELDS) {
    setValue2(ui.shotInputs[trait], model.get(trait));
    anyShot = anyShot || Boolean(model.get(trait));
  }
  if (anyShot) ui.details.open = true;
  const sent = model.get("prompt");
  ui.composedText.textContent = sent;
  ui.composed.hidden = !sent || !anyShot;
  ui.size.orientation.sync();
  ui.size.seconds.sync();
  ui.fit.sync();
  const hasImage = model.get("has_image");
  ui.imageBox.hidden = !hasImage || !sora;
  ui.preview.hidden = !pb.previewUrl;
  ui.imageLabel.textContent = model.get("image_label");
  ui.imageNotes.replaceChildren(...model.get("image_notes").map((n) => h("li", { text: n })));
}
function paintActions(model, ui) {
  const { remix, problem, alert, hint, generate, repeat } = ui;
  const choices = model.get("remix_choices");
  remix.replaceChildren(h("option", { value: "", text: choices.length ? "— none —" : "— no earlier results —" }), ...choiceOptions(choices));
  remix.value = model.get("remix_id");
  ui.price.replaceChildren(h("span", { class: "sw-muted", text: "Price: " }), h("strong", { text: model.get("price") }));
  problem.textContent = model.get("problem");
  problem.hidden = !problem.textContent;
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  hint.textContent = model.get("hint");
  hint.hidden = !hint.textContent;
  generate.hidden = !model.get("show_generate");
  ui.repeatNote.textContent = model.get("repeat_note");
  ui.again.textContent = model.get("repeat_label") || "Generate again";
  repeat.hidden = !model.get("repeat_label") || generate.hidden;
  const off = model.get("disabled");
  for (const node of ui.root.querySelectorAll("input, textarea, button")) node.disabled = off || unavailable(node);
  const noPrompt = !model.get("text").trim() && SHOT_FIELDS.every(([trait]) => !model.get(trait).trim());
  const empty = noPrompt && !hasItems(model);
  generate.disabled = off || empty;
  ui.emptyHint.hidden = !empty || generate.hidden;
  remix.disabled = off || !choices.length && !model.get("remix_id");
  for (const node of ui.root.querySelectorAll("select")) if (node !== remix) node.disabled = off;
}
function paint(pb, ui) {
  const sora = paintModels(pb, ui);
  ui.spec.paint();
  paintForm(pb, ui, sora);
  paintActions(pb.model, ui);
}
function onBuilderMessage(pb, ui, msg, buffers) {
  if (msg.type === "form_ack") {
    if (pb.sync.acknowledged(msg)) paint(pb, ui);
  } else if (msg.type === "focus_prompt") {
    paint(pb, ui);
    ui.promptField.scrollIntoView({ block: "nearest" });
    ui.text.focus({ preventScroll: true });
  } else if (msg.type === "slot_image" && buffers?.length) {
    ui.spec.image(msg, buffers);
  } else if (msg.type === "image" && buffers?.length) {
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
    pb.previewUrl = bufferUrl(buffers[0], msg.mime);
    ui.preview.src = pb.previewUrl;
    paint(pb, ui);
  }
}
function mountPromptBuilder({ model, el }) {
  const releaseKeys = keepKeys(el);
  const cleanups = [];
  const sync = formSync(model);
  cleanups.push(sync.dispose);
  const on = (node, event, fn) => cleanups.push(listen(node, event, fn));
  const pb = { model, on, sync, cleanups, previewUrl: null };
  const ui = layoutBuilder(pb, el);
  const onMessage = (msg, buffers) => onBuilderMessage(pb, ui, msg, buffers);
  const onChange = () => paint(pb, ui);
  const onVersion = () => {
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
    pb.previewUrl = null;
    ui.preview.removeAttribute("src");
  };
  model.on("change:image_version", onVersion);
  model.on("change:seconds_options", ui.size.buildSeconds);
  model.on("change:controls", ui.spec.build);
  model.on("change", onChange);
  model.on("msg:custom", onMessage);
  ui.spec.build();
  paint(pb, ui);
  model.send({ type: "ready" });
  return () => {
    releaseKeys();
    cleanups.forEach((fn) => fn());
    model.off("change:image_version", onVersion);
    model.off("change:seconds_options", ui.size.buildSeconds);
    model.off("change:controls", ui.spec.build);
    model.off("change", onChange);
    model.off("msg:custom", onMessage);
    if (pb.previewUrl) URL.revokeObjectURL(pb.previewUrl);
  };
}
var prompt_builder_default = { render: mountPromptBuilder };
export {
  RESYNC_IDLE_MS,
  RESYNC_RETRY_MS,
  SHOT_FIELDS,
  prompt_builder_default as default,
  mountPromptBuilder
};
