// PromptLab's definition controls, a part of prompt_lab.js: how variants are defined (a
// template with slots or a list of prompts), sizes and lengths from the model catalog, the budget,
// jobs at once, Run/Stop and the summary. Built here; prompt_lab.js wires and draws them.

import { h } from "./_dom.js";

export function defineControls(model) {
  const modeTemplate = h("input", { type: "radio", name: "sw-lab-mode", value: "template", "aria-label": "Template with slots" });
  const modePrompts = h("input", { type: "radio", name: "sw-lab-mode", value: "prompts", "aria-label": "List of prompts" });
  const modeRow = h("div", { class: "sw-lab-row", role: "radiogroup", "aria-label": "How variants are defined" }, [
    h("label", {}, [modeTemplate, " Template with slots"]),
    h("label", {}, [modePrompts, " List of prompts"]),
  ]);
  const template = h("textarea", {
    class: "sw-lab-template",
    rows: 2,
    "aria-label": "Prompt template; write slots as {name}",
    placeholder: "{shot} of a fox in {setting}, {lighting}",
  });
  const slotBox = h("div", { class: "sw-lab-slots", "aria-label": "Slot values" });
  const templateBox = h("div", { class: "sw-lab-templatebox" }, [template, slotBox]);
  const promptsArea = h("textarea", {
    class: "sw-lab-prompts",
    rows: 4,
    "aria-label": "Prompts, one per line",
    placeholder: "One prompt per line",
  });

  // Sizes and lengths are the model catalog's (the `_catalog` trait), not written out here.
  const catalog = model.get("_catalog");
  const sizeBoxes = catalog.sizes.map(({ size, label }) =>
    h("input", { type: "checkbox", value: size, "aria-label": `Size ${label}` }),
  );
  const lengthBoxes = catalog.seconds.map((s) => h("input", { type: "checkbox", value: String(s), "aria-label": `Length ${s} seconds` }));
  const budget = h("input", { type: "number", min: "0", step: "0.01", class: "sw-lab-budget", "aria-label": "Budget cap in USD (empty: no cap)", placeholder: "no cap" });
  const concurrency = h("input", { type: "number", min: "1", max: "16", step: "1", class: "sw-lab-concurrency", "aria-label": "Jobs at once" });
  const options = h("div", { class: "sw-lab-row sw-lab-options" }, [
    h("span", { class: "sw-lab-caption", text: "Sizes" }),
    ...sizeBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.sizes[i].label}`])),
    h("span", { class: "sw-lab-caption", text: "Lengths" }),
    ...lengthBoxes.map((box, i) => h("label", {}, [box, ` ${catalog.seconds[i]} s`])),
  ]);
  const summary = h("div", { class: "sw-lab-summary", role: "status", "aria-live": "polite", "aria-label": "Sweep summary" });
  // Buttons are named by their visible words (voice control says what it sees).
  const runButton = h("button", { type: "button", class: "sw-btn sw-btn-primary sw-lab-run", text: "Run" });
  const stopButton = h("button", { type: "button", class: "sw-btn sw-lab-stop", text: "Stop" });
  const spent = h("span", { class: "sw-lab-spent", "aria-label": "Estimated cost sent so far" });
  const budgetRow = h("div", { class: "sw-lab-row" }, [
    h("label", {}, ["Budget $ ", budget]),
    h("label", {}, ["At once ", concurrency]),
    runButton,
    stopButton,
    spent,
  ]);
  // News (reused videos, a finished run) is a status; only the error is an alert, in red.
  const message = h("div", { class: "sw-lab-message sw-lab-note", role: "status", "aria-label": "Lab message" });
  const problem = h("div", { class: "sw-lab-message sw-lab-problem", role: "alert", "aria-label": "Lab error" });
  const section = h("div", { class: "sw-lab-define" }, [modeRow, templateBox, promptsArea, options, budgetRow, summary, message, problem]);
  return {
    section, modeTemplate, modePrompts, template, slotBox, templateBox, promptsArea, sizeBoxes, lengthBoxes,
    budget, concurrency, summary, runButton, stopButton, spent, message, problem,
  };
}
