// Prompt coach checklist, shared by the widgets that show one (PromptBuilder, so the Studio too).
// Python computes the report (sora_widgets.coach) on the synced prompt and sends it as the
// `coach` trait; this only draws it, into its own element, so typing is never interrupted:
// nothing here touches the text box or moves focus. Text goes through textContent only.

const COACH_ELEMENTS = [
  ["shot", "Shot"],
  ["subject", "Subject"],
  ["action", "Action"],
  ["setting", "Setting"],
  ["lighting", "Lighting"],
  ["camera", "Camera"],
];

function coachChecklist(model, trait = "coach") {
  const items = new Map();
  // (No "prompt" in these labels: the text box is found by its label "Prompt".)
  const list = h("ul", { class: "sw-coach-list", "aria-label": "Elements found" });
  for (const [key, label] of COACH_ELEMENTS) {
    const mark = h("span", { class: "sw-coach-mark", "aria-hidden": "true" });
    const state = h("span", { class: "sw-coach-sr" });
    const li = h("li", { class: "sw-coach-item", "data-element": key }, [mark, h("span", { text: label }), state]);
    items.set(key, { li, mark, state });
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
    let found = 0;
    for (const [key, { li, mark, state }] of items) {
      const words = Array.isArray(present[key]) ? present[key] : [];
      const ok = words.length > 0;
      if (ok) found += 1;
      li.dataset.present = ok ? "true" : "false";
      mark.textContent = ok ? "✓" : "✗";
      state.textContent = ok ? ` (${words.join(", ")})` : " (missing)";
      li.title = ok ? `${key}: ${words.join(", ")}` : `${key}: not found`;
    }
    score.textContent = `${found}/6`;
    split.hidden = report.single_purpose !== false;
    split.title = (report.splits || []).join(", ");
    const lines = report.advice || [];
    const current = [...advice.children].map((li) => li.textContent);
    if (current.length !== lines.length || current.some((text, i) => text !== lines[i])) {
      advice.replaceChildren(...lines.map((text) => h("li", { text })));
    }
  }
  model.on(`change:${trait}`, paint);
  paint();
  return { node, dispose: () => model.off(`change:${trait}`, paint) };
}
