// PromptBuilder front end. The form mirrors synced traits; Python composes the prompt, prices it
// and fits the image. Images travel as binary buffers; all text is set with textContent.
// Its named parts: builder_form.js (the form and its resync with the kernel), builder_parts.js
// (the regions: model, prompt, size, image, remix, actions), spec_controls.js (a catalog model's
// own controls) and coach.js (the prompt coach's checklist).

import { activeIn, bufferUrl, choiceOptions, h, keepKeys, listen, unavailable } from "./_dom.js";
import { SHOT_FIELDS, formSync } from "./builder_form.js";
import { actionsPart, imagePart, modelPart, promptPart, remixPart, sizePart } from "./builder_parts.js";
import { coachChecklist } from "./coach.js";
import { mountSpecControls } from "./spec_controls.js";
import { hasItems } from "./spec_items.js";
import "./prompt_builder.css";

export { RESYNC_IDLE_MS, RESYNC_RETRY_MS, SHOT_FIELDS } from "./builder_form.js";

function layoutBuilder(pb, el) {
  const ui = { ...modelPart(pb), ...promptPart(pb), size: sizePart(pb), ...imagePart(pb), ...remixPart(pb) };
  Object.assign(ui, actionsPart(pb, ui));
  ui.spec = mountSpecControls(pb.model, { set: pb.sync.set, listen: pb.on, form: pb.sync.form });
  pb.cleanups.push(ui.spec.dispose);
  ui.soraRows = [
    h("div", { class: "sw-pb-row" }, [ui.size.orientation.fieldset, ui.size.secondsHolder]),
    h("div", { class: "sw-pb-row" }, [ui.fileField, ui.remixField]),
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
    ui.repeat,
  ]);
  el.append(ui.root);
  // The prompt coach's checklist of the six elements, under the composed prompt (coach.js).
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
  // While the kernel has not confirmed this view's latest edit, a different value coming back
  // is older than what the page shows: keep the page's.
  const setValue = (node, value) => {
    if (node.value !== value && !pb.sync.ahead()) node.value = value;
  };
  setValue(ui.text, model.get("text"));
  let anyShot = false;
  for (const [trait] of SHOT_FIELDS) {
    setValue(ui.shotInputs[trait], model.get(trait));
    anyShot = anyShot || Boolean(model.get(trait));
  }
  if (anyShot) ui.details.open = true;
  // "Will be sent" shows what the shot details add to the text; with none it would only repeat
  // the text, and (the composed prompt coming back from the kernel after the typing) flicker in
  // and out under the pointer while the person types.
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
  // A control that is unavailable (a move past the end of the list, "Add item" when full) stays off.
  for (const node of ui.root.querySelectorAll("input, textarea, button")) node.disabled = off || unavailable(node);
  // Nothing to send yet: Generate waits for a prompt (the placeholder and the title say so).
  const noPrompt = !model.get("text").trim() && SHOT_FIELDS.every(([trait]) => !model.get(trait).trim());
  const empty = noPrompt && !hasItems(model); // typed items (a content array) can carry the prompt
  generate.disabled = off || empty;
  ui.emptyHint.hidden = !empty || generate.hidden;
  remix.disabled = off || (!choices.length && !model.get("remix_id"));
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
    // The hint sits above the box: bring both into view, then put the caret in the box.
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

export function mountPromptBuilder({ model, el }) {
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
    // A new image (or none): drop the old preview until the bytes arrive.
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

export default { render: mountPromptBuilder };
