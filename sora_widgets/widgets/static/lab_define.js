// PromptLab's definition controls, a part of prompt_lab.js: how variants are defined (a
// template with slots or a list of prompts), sizes and lengths from the model catalog, the budget,
// jobs at once, Run/Stop and the summary: built, wired to their traits, and drawn from them.

import { activeIn, h, save } from "./_dom.js";
import { debounce, lines, slotNames } from "./lab_text.js";

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

  // The model axis: the same prompts on each model named here (one id per line; empty: Sora 2 Pro).
  const modelsArea = h("textarea", {
    class: "sw-lab-models",
    rows: 2,
    "aria-label": "Models to compare, one id per line",
    placeholder: "Models to compare, one id per line (empty: sora_2_pro_t2v)",
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
  const section = h("div", { class: "sw-lab-define" }, [modeRow, templateBox, promptsArea, modelsArea, options, budgetRow, summary, message, problem]);
  return {
    section, modeTemplate, modePrompts, template, slotBox, templateBox, promptsArea, modelsArea, sizeBoxes, lengthBoxes,
    budget, concurrency, summary, runButton, stopButton, spent, message, problem,
    slotLabels: new Map(), // slot name -> its <label>, kept for the life of the view
  };
}

// The sweep as the page shows it, trait by trait (what each control saves).
function pageValues(ui) {
  const { modeTemplate, template, slotBox, promptsArea, modelsArea, sizeBoxes, lengthBoxes, budget, concurrency } = ui;
  return {
    mode: () => (modeTemplate.checked ? "template" : "prompts"),
    template: () => template.value,
    slots: () => Object.fromEntries([...slotBox.querySelectorAll("textarea")].map((a) => [a.dataset.slot, lines(a.value)])),
    prompts: () => lines(promptsArea.value),
    models: () => lines(modelsArea.value),
    sizes: () => sizeBoxes.filter((b) => b.checked).map((b) => b.value),
    seconds: () => lengthBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
    budget: () => (budget.value === "" ? null : Math.max(0, Number(budget.value))),
    concurrency: () => Math.max(1, Math.round(Number(concurrency.value) || 1)),
  };
}

// Each control saves its trait (typing is debounced); Run and Stop are messages. Run carries the
// sweep as the page shows it: a save still waiting for its debounce, or held back by ipywidgets
// while the kernel is busy, would otherwise reach the kernel after Run (and the older sweep ran).
export function wireDefinition(model, ui, on) {
  const { modeTemplate, modePrompts, template, slotBox, promptsArea, modelsArea } = ui;
  const { sizeBoxes, lengthBoxes, budget, concurrency, runButton, stopButton } = ui;
  const value = pageValues(ui);
  const saver = (name) => () => save(model, name, value[name]());
  const saveTemplate = debounce(saver("template"), 250);
  const saveSlotsSoon = debounce(saver("slots"), 250);
  const savePrompts = debounce(saver("prompts"), 250);
  const saveModels = debounce(saver("models"), 250);

  on(modeTemplate, "change", () => save(model, "mode", "template"));
  on(modePrompts, "change", () => save(model, "mode", "prompts"));
  on(template, "input", () => {
    drawSlots(model, ui);
    saveTemplate();
  });
  on(slotBox, "input", saveSlotsSoon);
  on(promptsArea, "input", savePrompts);
  on(modelsArea, "input", saveModels);
  for (const box of sizeBoxes) on(box, "change", saver("sizes"));
  for (const box of lengthBoxes) on(box, "change", saver("seconds"));
  on(budget, "change", saver("budget"));
  on(concurrency, "change", saver("concurrency"));
  const form = () => Object.fromEntries(Object.entries(value).map(([name, read]) => [name, read()]));
  on(runButton, "click", () => model.send({ type: "run", form: form() }));
  on(stopButton, "click", () => model.send({ type: "stop" }));
}

// ---- from the model --------------------------------------------------------------------
function setValue(node, value) {
  // The focused element of the node's own root: marimo draws widgets in a shadow root, where
  // document.activeElement is the host, never the box being typed in.
  if (activeIn(node) !== node && node.value !== value) node.value = value;
}

// One <label> per slot name, kept for the life of the view: a save or a redraw never replaces
// (and so never blurs) the box being typed in; only added, removed or reordered slots move.
export function drawSlots(model, ui) {
  const { template, slotBox, slotLabels } = ui;
  const names = slotNames(template.value);
  const values = model.get("slots") || {};
  for (const name of names) {
    if (slotLabels.has(name)) continue;
    const area = h("textarea", { rows: 3, "aria-label": `Values for {${name}}, one per line` });
    area.dataset.slot = name;
    area.value = (values[name] || []).join("\n");
    slotLabels.set(name, h("label", { class: "sw-lab-slot" }, [h("span", { text: `{${name}}` }), area]));
  }
  const wanted = names.map((name) => slotLabels.get(name));
  const current = [...slotBox.children];
  if (current.length !== wanted.length || current.some((node, i) => node !== wanted[i])) {
    slotBox.replaceChildren(...wanted);
  }
}

export function drawDefinition(model, ui) {
  const { modeTemplate, modePrompts, template, slotBox, templateBox, promptsArea } = ui;
  const { sizeBoxes, lengthBoxes, budget, concurrency } = ui;
  const mode = model.get("mode");
  modeTemplate.checked = mode === "template";
  modePrompts.checked = mode === "prompts";
  templateBox.hidden = mode !== "template";
  promptsArea.hidden = mode !== "prompts";
  setValue(template, model.get("template"));
  const slots = model.get("slots") || {};
  drawSlots(model, ui);
  for (const area of slotBox.querySelectorAll("textarea")) {
    setValue(area, (slots[area.dataset.slot] || []).join("\n"));
  }
  setValue(promptsArea, (model.get("prompts") || []).join("\n"));
  setValue(ui.modelsArea, (model.get("models") || []).join("\n"));
  const sizes = model.get("sizes") || [];
  sizeBoxes.forEach((b) => (b.checked = sizes.includes(b.value)));
  const secs = model.get("seconds") || [];
  lengthBoxes.forEach((b) => (b.checked = secs.includes(Number(b.value))));
  const cap = model.get("budget");
  setValue(budget, cap === null || cap === undefined ? "" : String(cap));
  setValue(concurrency, String(model.get("concurrency")));
}

export function drawSummary(model, ui) {
  const { summary, runButton, stopButton, spent, message, problem } = ui;
  const s = model.get("summary") || {};
  const running = model.get("running");
  if (!s.ok) {
    summary.textContent = s.error || "Define the variants.";
    summary.dataset.state = "error";
  } else {
    let text = `${s.count} video${s.count === 1 ? "" : "s"} · estimated ${s.total_cost}`;
    if (s.budget) {
      const sent = s.committed ? ` (${s.committed} already sent)` : "";
      text += ` · budget ${s.budget}${sent}: ${s.runnable} will run (${s.runnable_cost})`;
      if (s.over_budget) text += `, ${s.over_budget} over budget`;
    }
    if (s.new?.length) text += ` · new on Run: ${s.new.join("; ")}`;
    if (s.reused) text += ` · ${s.reused} already made with the same request: reused, not paid again`;
    // What a model of the sweep makes differently (its nearest length, no size), never silently.
    if (s.notes && s.notes.length) text += ` · ${s.notes.join("; ")}`;
    summary.textContent = text;
    summary.dataset.state = s.over_budget ? "capped" : "ok";
  }
  runButton.disabled = running || !s.ok;
  runButton.textContent = running ? "Running…" : "Run";
  stopButton.hidden = !running;
  spent.textContent = `sent so far: ${model.get("spent")}`;
  message.textContent = model.get("message");
  problem.textContent = model.get("error");
}
