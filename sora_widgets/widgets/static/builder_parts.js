// The PromptBuilder's regions, a part of prompt_builder.js: each builds its controls and wires
// them to the traits (every edit is counted by the form's resync, builder_form.js). `pb` holds the
// model, `on` (listen, undone on dispose) and `sync` (the form's resync).

import { h, imageUpload, isCtrlEnter, labelled, uid } from "./_dom.js";
import { SHOT_FIELDS } from "./builder_form.js";

// Model picker: Sora 2 Pro's own form, or any catalog model drawn from its spec (spec_controls.js).
export function modelPart(pb) {
  const modelSelect = h("select", { class: "sw-pb-model" });
  pb.on(modelSelect, "change", () => pb.sync.set("model", modelSelect.value));
  const modelField = labelled("Model", modelSelect, "sw-pb-field sw-pb-modelfield");
  const modelNote = h("div", { class: "sw-muted sw-pb-modelnote" });
  modelField.append(modelNote);
  return { modelSelect, modelField, modelNote };
}

// The prompt, its hint, the optional shot details and the prompt as it will be sent.
export function promptPart(pb) {
  const bindText = (node, trait) => pb.on(node, "input", () => pb.sync.set(trait, node.value));
  const text = h("textarea", { class: "sw-pb-text", rows: "3", placeholder: "Describe one shot: type, subject, action, setting, lighting, camera movement" });
  bindText(text, "text");
  const promptField = labelled("Prompt", text, "sw-pb-field sw-pb-prompt");
  const hint = h("div", { class: "sw-pb-hint", role: "status" });
  text.before(hint);

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
  return { text, promptField, hint, shotInputs, details, composed, composedText };
}

// A radio group for one trait; `sync()` checks the trait's value.
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
  return { fieldset, sync: () => inputs.forEach((i) => (i.checked = String(model.get(trait)) === i.value)) };
}

// Orientation and length as radio groups; the lengths are rebuilt by `buildSeconds()` when the
// model's choices change.
export function sizePart(pb) {
  // The orientations and their sizes are the model catalog's (the `_catalog` trait).
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

// The reference image: chosen, previewed as it will be sent, fitted, removed.
export function imagePart(pb) {
  const { file, choose: chooseFile } = imageUpload(pb.model, pb.on, { props: { class: "sw-pb-file" }, chooseText: "Choose image…" });
  // The native input stays in the page (keyboard and screen readers reach it) but is drawn as a
  // button, so no "No file chosen" shows next to an image that is attached.
  file.tabIndex = -1; // drawn invisibly: "Choose image…" is its keyboard stop (no vanishing focus)
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

export function remixPart(pb) {
  const remix = h("select", {});
  pb.on(remix, "change", () => pb.sync.set("remix_id", remix.value));
  return { remix, remixField: labelled("Remix of", remix, "sw-pb-field") };
}

// Price, problems, Generate (and "Generate again"), Clear. `prompt` is promptPart's.
export function actionsPart(pb, prompt) {
  const { model, on } = pb;
  const price = h("div", { class: "sw-pb-price", "aria-live": "polite" });
  const problem = h("div", { class: "sw-pb-problem sw-muted" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const generate = h("button", { class: "sw-btn sw-btn-primary", type: "button", text: "Generate" });
  const emptyHint = h("span", { class: "sw-muted sw-pb-empty", text: "Type a prompt to generate" });
  // The click carries the form as the user sees it: ipywidgets may still be holding back the
  // last keystrokes' state updates, while a custom message goes at once.
  const submit = () => model.send({ type: "submit", form: pb.sync.form() });
  on(generate, "click", submit);
  // Shown when Generate was pressed again for the video just started: a second one is only made
  // on purpose, with its price on the button.
  const repeatNote = h("span", { class: "sw-pb-repeat-note" });
  const again = h("button", { class: "sw-btn", type: "button" });
  on(again, "click", () => model.send({ type: "submit", again: true, form: pb.sync.form() }));
  const repeat = h("div", { class: "sw-pb-repeat", role: "status" }, [repeatNote, again]);
  on(prompt.text, "keydown", (event) => {
    // Ctrl/Cmd+Enter generates; Enter makes a new line (keepKeys keeps keys from Jupyter's shortcuts).
    if (isCtrlEnter(event) && model.get("show_generate")) {
      event.preventDefault();
      event.stopPropagation();
      if (!generate.disabled) submit();
    }
  });
  const clear = h("button", { class: "sw-btn sw-pb-clear", type: "button", text: "Clear", title: "Empty the prompt, shot details, image and remix" });
  on(clear, "click", () => {
    for (const node of [prompt.text, ...Object.values(prompt.shotInputs)]) node.value = "";
    pb.sync.forget(); // the cleared form is the kernel's to say now
    model.send({ type: "clear" });
  });
  const footer = h("div", { class: "sw-pb-footer" }, [price, h("div", { class: "sw-pb-actions" }, [emptyHint, clear, generate])]);
  return { price, problem, alert, generate, emptyHint, repeatNote, again, repeat, footer };
}
