// The Storyboard's typing, a part of storyboard.js: a card's edits wait a little (typing) and are
// flushed before anything that depends on them, and "Add shot" opens an empty draft card whose
// hint is a placeholder: the shot joins the board with the first words typed into it, so nothing
// the person did not write is ever sent (or paid for).

import { h, isCtrlEnter } from "./_dom.js";

export const EDIT_DELAY_MS = 350;

export function flush(sb, index) {
  clearTimeout(sb.pending.get(index));
  sb.pending.delete(index);
  if (sb.pendingValue.has(index)) {
    sb.send({ type: "edit", index, field: "prompt", value: sb.pendingValue.get(index) });
    sb.pendingValue.delete(index);
  }
}

export function flushAll(sb) {
  [...sb.pendingValue.keys()].forEach((index) => flush(sb, index));
  sendDraft(sb);
}

export function editSoon(sb, index, value) {
  sb.pendingValue.set(index, value);
  clearTimeout(sb.pending.get(index));
  sb.pending.set(index, setTimeout(() => flush(sb, index), EDIT_DELAY_MS));
}

export function startRun(sb) {
  flushAll(sb);
  sb.send({ type: "run" });
}

// Ctrl/Cmd+Enter in a prompt runs the board; Shift+Enter is left to Jupyter.
export function runOnCtrlEnter(sb) {
  return (event) => {
    if (isCtrlEnter(event)) {
      event.preventDefault();
      event.stopPropagation();
      startRun(sb);
    }
  };
}

export function openDraft(sb) {
  flushAll(sb);
  if (sb.draft) {
    sb.draft.prompt.focus();
    return;
  }
  const n = sb.model.get("shots").length + 1;
  const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", placeholder: "Describe the next shot", "aria-label": `Prompt of shot ${n}` });
  const cancel = h("button", { class: "sw-btn", type: "button", text: "Cancel" });
  const card = h("li", { class: "sw-sb-card sw-sb-draft" }, [
    h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` }),
    prompt,
    h("div", { class: "sw-sb-tools" }, [h("span", { class: "sw-sb-card-price sw-muted", text: "Type the prompt to add this shot" }), cancel]),
  ]);
  sb.draft = { card, prompt, sent: false };
  sb.on(prompt, "input", () => {
    clearTimeout(sb.draftTimer);
    sb.draftTimer = setTimeout(() => sendDraft(sb), EDIT_DELAY_MS);
  });
  sb.on(prompt, "change", () => sendDraft(sb));
  sb.on(prompt, "keydown", runOnCtrlEnter(sb));
  sb.on(cancel, "click", () => {
    closeDraft(sb);
    sb.ui.add.focus();
  });
  sb.ui.list.append(card);
  prompt.focus();
}

export function sendDraft(sb) {
  clearTimeout(sb.draftTimer);
  if (!sb.draft || sb.draft.sent || !sb.draft.prompt.value.trim()) return;
  sb.draft.sent = true;
  sb.send({ type: "add", prompt: sb.draft.prompt.value });
}

export function closeDraft(sb) {
  clearTimeout(sb.draftTimer);
  sb.draft?.card.remove();
  sb.draft = null;
}

// The board has the new shot: its card takes over the text typed meanwhile, and the caret.
export function adoptDraft(sb, count, had) {
  const { draft } = sb;
  if (!draft) return;
  const typed = draft.prompt;
  if (!draft.sent || count === 0) {
    sb.ui.list.append(draft.card);
    if (had) typed.focus();
    return;
  }
  const index = count - 1;
  const box = sb.cards[index].prompt;
  box.value = typed.value;
  if (typed.value.trim() !== sb.model.get("shots")[index].prompt) editSoon(sb, index, typed.value);
  closeDraft(sb);
  if (had) {
    box.focus();
    box.setSelectionRange(typed.selectionStart, typed.selectionEnd);
  }
}
