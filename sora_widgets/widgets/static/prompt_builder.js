// PromptBuilder front end. The form mirrors synced traits; Python composes the prompt, prices it
// and fits the image. Images travel as binary buffers; all text is set with textContent.

import { activeIn, bufferBytes, h, keepKeys, labelled, listen, uid } from "./_dom.js";
import { coachChecklist } from "./coach.js";
import { mountSpecControls } from "./spec_controls.js";
import "./prompt_builder.css";

export const SHOT_FIELDS = [
  ["shot_type", "Shot type", "e.g. Wide shot"],
  ["subject", "Subject", "e.g. a red kite"],
  ["action", "Action", "e.g. gliding over the waves"],
  ["setting", "Setting", "e.g. a beach at dusk"],
  ["lighting", "Lighting", "e.g. warm backlight"],
  ["camera", "Camera movement", "e.g. slow dolly in"],
];

// Resynchronisation: ipywidgets may hold back or lose a state update while the kernel is busy
// (a cell awaiting a generation), leaving Python with an older text than the page shows. Every
// edit bumps a sequence number; once typing pauses (and again every few seconds until the kernel
// acknowledges that number) the whole form goes to the kernel in a custom message, which it
// applies unless it already has a newer one from this view. Until then, the page's values win
// over older ones coming back from the kernel.
export const RESYNC_IDLE_MS = 300;
export const RESYNC_RETRY_MS = 2000;

export function mountPromptBuilder({ model, el }) {
  const releaseKeys = keepKeys(el);
  const cleanups = [];
  const listen = (node, event, fn) => {
    node.addEventListener(event, fn);
    cleanups.push(() => node.removeEventListener(event, fn));
  };
  const viewId = uid("sw-pb-view");
  let localSeq = 0; // edits made in this view
  let ackedSeq = 0; // the newest of them the kernel has confirmed
  let idleTimer = null;
  let lastSent = 0;
  let sent = null; // the last form sent: { seq, form }
  const ahead = () => localSeq !== ackedSeq;
  function sendForm() {
    idleTimer = null;
    if (!ahead()) return;
    lastSent = Date.now();
    sent = { seq: localSeq, form: Object.fromEntries(FORM_KEYS.map((k) => [k, model.get(k)])) };
    model.send({ type: "form", view: viewId, seq: sent.seq, form: sent.form });
  }
  function edited() {
    localSeq += 1;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(sendForm, RESYNC_IDLE_MS);
  }
  const retry = setInterval(() => {
    if (ahead() && idleTimer === null && Date.now() - lastSent >= RESYNC_RETRY_MS) sendForm();
  }, RESYNC_RETRY_MS / 2);
  cleanups.push(() => {
    clearInterval(retry);
    if (idleTimer !== null) clearTimeout(idleTimer);
  });
  const bindText = (node, trait) => {
    listen(node, "input", () => {
      model.set(trait, node.value);
      model.save_changes();
      edited();
    });
  };

  // Model picker: Sora 2 Pro's own form, or any catalog model drawn from its spec (spec_controls.js).
  const modelSelect = h("select", { class: "sw-pb-model" });
  listen(modelSelect, "change", () => {
    model.set("model", modelSelect.value);
    model.save_changes();
    edited();
  });
  const modelField = labelled("Model", modelSelect, "sw-pb-field sw-pb-modelfield");
  const modelNote = h("div", { class: "sw-muted sw-pb-modelnote" });
  modelField.append(modelNote);
  const spec = mountSpecControls(model, { edited, listen });
  cleanups.push(spec.dispose);

  // Prompt
  const text = h("textarea", { class: "sw-pb-text", rows: "3", placeholder: "Describe one shot: type, subject, action, setting, lighting, camera movement" });
  bindText(text, "text");
  const promptField = labelled("Prompt", text, "sw-pb-field sw-pb-prompt");
  const hint = h("div", { class: "sw-pb-hint", role: "status" });
  text.before(hint);

  // Structured fields
  const shotInputs = {};
  const shotGrid = h("div", { class: "sw-pb-grid" });
  for (const [trait, label, hint] of SHOT_FIELDS) {
    const input = h("input", { type: "text", placeholder: hint });
    bindText(input, trait);
    shotInputs[trait] = input;
    shotGrid.append(labelled(label, input, "sw-pb-field"));
  }
  const details = h("details", { class: "sw-pb-details" }, [h("summary", { text: "Shot details (optional)" }), shotGrid]);
  const composed = h("div", { class: "sw-pb-composed" });
  const composedLabel = h("span", { class: "sw-muted", text: "Will be sent: " });
  const composedText = h("span");
  composed.append(composedLabel, composedText);

  // Orientation and length as radio groups.
  function radioGroup(legend, name, options, trait, parse = (v) => v) {
    const fieldset = h("fieldset", { class: "sw-pb-radios" }, [h("legend", { text: legend })]);
    const inputs = [];
    const group = uid(`sw-pb-${name}`);
    for (const [value, text] of options) {
      const input = h("input", { type: "radio", name: group, value: String(value) });
      listen(input, "change", () => {
        if (input.checked) {
          model.set(trait, parse(input.value));
          model.save_changes();
          edited();
        }
      });
      inputs.push(input);
      fieldset.append(h("label", { class: "sw-pb-radio" }, [input, document.createTextNode(text)]));
    }
    return { fieldset, sync: () => inputs.forEach((i) => (i.checked = String(model.get(trait)) === i.value)) };
  }
  // The orientations and their sizes are the model catalog's (the `_catalog` trait).
  const orientations = model.get("_catalog").sizes.map(({ orientation, label }) => [orientation, label]);
  const orientation = radioGroup("Orientation", "orient", orientations, "orientation");
  let seconds = null;
  const secondsHolder = h("div");
  function buildSeconds() {
    const options = model.get("seconds_options").map((s) => [s, `${s} s`]);
    seconds = radioGroup("Length", "secs", options, "seconds", (v) => Number(v));
    secondsHolder.replaceChildren(seconds.fieldset);
  }
  buildSeconds();

  // Reference image
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/*" });
  listen(file, "change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const data = await chosen.arrayBuffer();
    model.send({ type: "upload", name: chosen.name, mime: chosen.type }, undefined, [data]);
    file.value = "";
  });
  // The native input stays in the page (keyboard and screen readers reach it) but is drawn as a
  // button, so no "No file chosen" shows next to an image that is attached.
  file.classList.add("sw-pb-file");
  file.tabIndex = -1; // drawn invisibly: "Choose image…" is its keyboard stop (no vanishing focus)
  const chooseFile = h("button", { class: "sw-btn", type: "button", text: "Choose image…" });
  listen(chooseFile, "click", () => file.click());
  const fileField = labelled("Reference image (optional)", file, "sw-pb-field");
  file.after(chooseFile);
  const fit = radioGroup("Fit to size", "fit", [["cover", "Cover (crop)"], ["letterbox", "Letterbox (pad)"]], "fit_mode");
  const removeImage = h("button", { class: "sw-btn", type: "button", text: "Remove image" });
  listen(removeImage, "click", () => model.send({ type: "clear_image" }));
  const preview = h("img", { class: "sw-pb-preview", alt: "Reference image as it will be sent" });
  const imageLabel = h("div", { class: "sw-muted" });
  const imageNotes = h("ul", { class: "sw-pb-notes" });
  const imageInfo = h("div", { class: "sw-pb-imageinfo" }, [imageLabel, imageNotes, fit.fieldset, removeImage]);
  const imageBox = h("div", { class: "sw-pb-image" }, [preview, imageInfo]);
  let previewUrl = null;

  // Remix
  const remix = h("select", {});
  listen(remix, "change", () => {
    model.set("remix_id", remix.value);
    model.save_changes();
    edited();
  });
  const remixField = labelled("Remix of", remix, "sw-pb-field");

  // Price, problems, Generate
  const price = h("div", { class: "sw-pb-price", "aria-live": "polite" });
  const problem = h("div", { class: "sw-pb-problem sw-muted" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const generate = h("button", { class: "sw-btn sw-btn-primary", type: "button", text: "Generate" });
  const emptyHint = h("span", { class: "sw-muted sw-pb-empty", text: "Type a prompt to generate" });
  // The click carries the form as the user sees it: ipywidgets may still be holding back the
  // last keystrokes' state updates, while a custom message goes at once.
  const FORM_KEYS = ["text", ...SHOT_FIELDS.map(([trait]) => trait), "orientation", "seconds", "fit_mode", "remix_id", "model", "values"];
  const submit = () => model.send({ type: "submit", form: Object.fromEntries(FORM_KEYS.map((k) => [k, model.get(k)])) });
  listen(generate, "click", submit);
  // Shown when Generate was pressed again for the video just started: a second one is only made
  // on purpose, with its price on the button.
  const repeatNote = h("span", { class: "sw-pb-repeat-note" });
  const again = h("button", { class: "sw-btn", type: "button" });
  listen(again, "click", () => model.send({ type: "submit", again: true, form: Object.fromEntries(FORM_KEYS.map((k) => [k, model.get(k)])) }));
  const repeat = h("div", { class: "sw-pb-repeat", role: "status" }, [repeatNote, again]);
  listen(text, "keydown", (event) => {
    // Ctrl/Cmd+Enter generates; Enter makes a new line (keepKeys keeps keys from Jupyter's shortcuts).
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && model.get("show_generate")) {
      event.preventDefault();
      event.stopPropagation();
      if (!generate.disabled) submit();
    }
  });
  const clear = h("button", { class: "sw-btn sw-pb-clear", type: "button", text: "Clear", title: "Empty the prompt, shot details, image and remix" });
  listen(clear, "click", () => {
    for (const node of [text, ...Object.values(shotInputs)]) node.value = "";
    localSeq = ackedSeq; // the cleared form is the kernel's to say now
    model.send({ type: "clear" });
  });
  const footer = h("div", { class: "sw-pb-footer" }, [price, h("div", { class: "sw-pb-actions" }, [emptyHint, clear, generate])]);

  const soraRows = [
    h("div", { class: "sw-pb-row" }, [orientation.fieldset, secondsHolder]),
    h("div", { class: "sw-pb-row" }, [fileField, remixField]),
  ];
  const root = h("div", { class: "sw-root sw-pb" }, [
    modelField,
    promptField,
    details,
    composed,
    spec.node,
    ...soraRows,
    imageBox,
    problem,
    alert,
    footer,
    repeat,
  ]);
  el.append(root);
  // The prompt coach's checklist of the six elements, under the composed prompt (coach.js).
  const checklist = coachChecklist(model);
  composed.after(checklist.node);
  cleanups.push(checklist.dispose);

  function setValue(node, value) {
    // While the kernel has not confirmed this view's latest edit, a different value coming back
    // is older than what the page shows: keep the page's.
    if (node.value !== value && !ahead()) node.value = value;
  }

  function paintModels() {
    const choices = model.get("model_choices");
    const same = modelSelect.options.length === choices.length && choices.every((c, i) => modelSelect.options[i].value === c.id);
    if (!same) modelSelect.replaceChildren(...choices.map((c) => h("option", { value: String(c.id), text: String(c.label) })));
    if (!ahead() || activeIn(modelSelect) !== modelSelect) modelSelect.value = model.get("model");
    modelField.hidden = choices.length < 2;
    modelNote.textContent = model.get("model_note");
    modelNote.hidden = !modelNote.textContent;
    const sora = !model.get("model");
    for (const row of soraRows) row.hidden = !sora;
    return sora;
  }

  function paint() {
    const sora = paintModels();
    spec.paint();
    setValue(text, model.get("text"));
    let anyShot = false;
    for (const [trait] of SHOT_FIELDS) {
      setValue(shotInputs[trait], model.get(trait));
      anyShot = anyShot || Boolean(model.get(trait));
    }
    if (anyShot) details.open = true;
    const sent = model.get("prompt");
    composedText.textContent = sent;
    composed.hidden = !sent || sent === model.get("text").trim();
    orientation.sync();
    seconds.sync();
    fit.sync();
    const hasImage = model.get("has_image");
    imageBox.hidden = !hasImage || !sora;
    preview.hidden = !previewUrl;
    imageLabel.textContent = model.get("image_label");
    imageNotes.replaceChildren(...model.get("image_notes").map((n) => h("li", { text: n })));
    const choices = model.get("remix_choices");
    const options = [h("option", { value: "", text: choices.length ? "— none —" : "— no earlier results —" })];
    for (const choice of choices) options.push(h("option", { value: String(choice.id), text: String(choice.label) }));
    remix.replaceChildren(...options);
    remix.value = model.get("remix_id");
    price.replaceChildren(h("span", { class: "sw-muted", text: "Price: " }), h("strong", { text: model.get("price") }));
    problem.textContent = model.get("problem");
    problem.hidden = !problem.textContent;
    alert.textContent = model.get("error");
    alert.hidden = !alert.textContent;
    hint.textContent = model.get("hint");
    hint.hidden = !hint.textContent;
    generate.hidden = !model.get("show_generate");
    repeatNote.textContent = model.get("repeat_note");
    again.textContent = model.get("repeat_label") || "Generate again";
    repeat.hidden = !model.get("repeat_label") || generate.hidden;
    const off = model.get("disabled");
    for (const node of root.querySelectorAll("input, textarea, button")) node.disabled = off;
    // Nothing to send yet: Generate waits for a prompt (the placeholder and the title say so).
    const empty = !model.get("text").trim() && SHOT_FIELDS.every(([trait]) => !model.get(trait).trim());
    generate.disabled = off || empty;
    emptyHint.hidden = !empty || generate.hidden;
    remix.disabled = off || (!choices.length && !model.get("remix_id"));
    for (const node of root.querySelectorAll("select")) if (node !== remix) node.disabled = off;
  }

  function onMessage(msg, buffers) {
    if (msg.type === "form_ack" && msg.view === viewId) {
      ackedSeq = Math.min(localSeq, Math.max(ackedSeq, Number(msg.seq) || 0));
      if (!ahead() && sent && sent.seq === ackedSeq) {
        // The kernel holds exactly what was sent; an older value it echoed meanwhile is void.
        for (const [key, value] of Object.entries(sent.form)) if (model.get(key) !== value) model.set(key, value);
        paint();
      }
    } else if (msg.type === "focus_prompt") {
      paint();
      // The hint sits above the box: bring both into view, then put the caret in the box.
      promptField.scrollIntoView({ block: "nearest" });
      text.focus({ preventScroll: true });
    } else if (msg.type === "slot_image" && buffers?.length) {
      spec.image(msg, buffers);
    } else if (msg.type === "image" && buffers?.length) {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(new Blob([bufferBytes(buffers[0])], { type: msg.mime }));
      preview.src = previewUrl;
      paint();
    }
  }
  const onVersion = () => {
    // A new image (or none): drop the old preview until the bytes arrive.
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    preview.removeAttribute("src");
  };
  model.on("change:image_version", onVersion);
  model.on("change:seconds_options", buildSeconds);
  model.on("change:controls", spec.build);
  model.on("change", paint);
  model.on("msg:custom", onMessage);
  spec.build();
  paint();
  model.send({ type: "ready" });

  return () => {
    releaseKeys();
    cleanups.forEach((fn) => fn());
    model.off("change:image_version", onVersion);
    model.off("change:seconds_options", buildSeconds);
    model.off("change:controls", spec.build);
    model.off("change", paint);
    model.off("msg:custom", onMessage);
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  };
}

export default { render: mountPromptBuilder };
