// Prompt coach checklist, shared by the widgets that show one (PromptBuilder, so the Studio too).
// Python computes the report (sora_widgets.coach) on the synced prompt and sends it as the
// `coach` trait; this only draws it, into its own element, so typing is never interrupted:
// nothing here touches the text box or moves focus. Text goes through textContent only.
// Each element found shows the words that made it (highlighted), so a wrong call is visible.
// While a prompt is being written the checklist never gets shorter (it keeps the tallest height
// it had since the box was last empty): its report comes back from the kernel a moment after the
// typing, often late on a busy machine, and a panel that shrank then would move the controls
// under it (Length, Generate) just as the pointer goes to them.

import { h } from "./_dom.js";
import "./coach.css";

export const COACH_ELEMENTS = [
  ["shot", "Shot"],
  ["subject", "Subject"],
  ["action", "Action"],
  ["setting", "Setting"],
  ["lighting", "Lighting"],
  ["camera", "Camera"],
];

export const COACH_WORDS_SHOWN = 3; // words shown per element; the rest are in the tooltip

export function coachChecklist(model, trait = "coach") {
  const items = new Map();
  // (No "prompt" in these labels: the text box is found by its label "Prompt".)
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
    advice,
  ]);

  function paint() {
    const report = model.get(trait) || {};
    const present = report.present || {};
    node.hidden = !report.prompt;
    if (node.hidden) node.style.minHeight = "";
    // A prompt the coach cannot read (not English) gets its one advice line and no checklist.
    const readable = report.language === undefined || report.language === "en";
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
  // Reserve the tallest height drawn so far (nothing to measure while the panel is not drawn).
  function keepHeight() {
    const height = node.hidden ? 0 : node.getBoundingClientRect().height;
    if (height > 0) node.style.minHeight = `${Math.ceil(height)}px`;
  }
  model.on(`change:${trait}`, paint);
  paint();
  return { node, dispose: () => model.off(`change:${trait}`, paint) };
}
