// The Storyboard's typing, a part of storyboard.js: a card's edits wait a little (typing) and are
// flushed before anything that depends on them, and "Add shot" opens an empty draft card whose
// hint is a placeholder: the shot joins the board with the first words typed into it, so nothing
// the person did not write is ever sent (or paid for). "Add shot" pressed again before the last
// new shot is back from the kernel opens the next draft at once (it used to put the keyboard back
// in the last one, so the next shot's words went into it); the last one is taken over by its card
// when it arrives.
// Edits and new shots are numbered and the kernel answers each ("ack", after the state it
// changed): until then a card keeps the words sent from it (a repaint from an older state does
// not put the old prompt back for a moment), and a new shot the board refused is known by its
// number: it stays on the page with its words, to be edited and sent again, or cancelled.
// Where a sent shot lands is the kernel's word: its answer says the index (a shot added from
// Python meanwhile may have taken the place the page counted on). Until the answer, a new card
// takes a draft over only if it holds the words the draft sent, so a draft's later words never
// go into another shot's card.

import { h, isCtrlEnter } from "./_dom.js";

export const EDIT_DELAY_MS = 350;

// Send a message the kernel answers with {type: "ack", view, ack: n, ok}; returns n.
function post(sb, msg) {
  sb.seq += 1;
  sb.send({ ...msg, view: sb.viewId, ack: sb.seq });
  return sb.seq;
}

export function flush(sb, index) {
  clearTimeout(sb.pending.get(index));
  sb.pending.delete(index);
  if (sb.pendingValue.has(index)) {
    const n = post(sb, { type: "edit", index, field: "prompt", value: sb.pendingValue.get(index) });
    sb.unconfirmed.set(index, n);
    sb.pendingValue.delete(index);
  }
}

// The kernel's answer to message n: the edits up to it are in the state now (or were refused,
// and the state is the kernel's word); a refused new shot goes back to being a draft.
export function acknowledged(sb, msg) {
  const n = Number(msg.ack) || 0;
  for (const [index, sent] of sb.unconfirmed) if (sent <= n) sb.unconfirmed.delete(index);
  const draft = [sb.draft, ...sb.arriving].find((d) => d && d.sent && d.seq === n);
  if (draft && !msg.ok) refuseDraft(sb, draft);
  else if (draft && Number.isInteger(msg.index)) {
    draft.index = msg.index;
    draft.placed = true;
  }
}

function refuseDraft(sb, draft) {
  draft.sent = false;
  // The drafts sent after it counted on its place (until the kernel said where they went).
  for (const later of [...sb.arriving, sb.draft]) {
    if (later && later.sent && !later.placed && later.index > draft.index) later.index -= 1;
  }
  sb.arriving = sb.arriving.filter((d) => d !== draft);
  draft.hint.textContent = "Not added (see the message below): edit it to send it again, or Cancel";
  draft.card.classList.add("sw-sb-refused");
  if (sb.draft !== draft) sb.refused.push(draft);
}

// A refused draft typed in again becomes the open draft; the open one is sent first if it has
// words (it would be lost otherwise) or closed if it has none.
function reopen(sb, draft) {
  if (!sb.refused.includes(draft)) return false;
  sb.refused = sb.refused.filter((d) => d !== draft);
  const open = sb.draft;
  if (open && !open.sent && !open.prompt.value.trim()) open.card.remove();
  else if (open) {
    sendDraft(sb);
    if (open.sent) sb.arriving.push(open);
  }
  sb.draft = draft;
  return true;
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
  if (sb.draft && !sb.draft.sent) {
    sb.draft.prompt.focus();
    return;
  }
  if (sb.draft) sb.arriving.push(sb.draft); // on its way to the board: its card takes it over
  sb.draft = null;
  const n = sb.model.get("shots").length + sb.arriving.length + 1;
  const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", placeholder: "Describe the next shot", "aria-label": `Prompt of shot ${n}` });
  const cancel = h("button", { class: "sw-btn", type: "button", text: "Cancel" });
  const hint = h("span", { class: "sw-sb-card-price sw-muted", text: "Type the prompt to add this shot" });
  const card = h("li", { class: "sw-sb-card sw-sb-draft" }, [
    h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` }),
    prompt,
    h("div", { class: "sw-sb-tools" }, [hint, cancel]),
  ]);
  const draft = { card, prompt, hint, sent: false, index: n - 1, seq: 0, sentText: "", placed: false };
  sb.draft = draft;
  // Once sent (and another draft opened), this one's later words go to its card when it arrives.
  const open = () => sb.draft?.prompt === prompt;
  sb.on(prompt, "input", () => {
    if (!open() && !reopen(sb, draft)) return;
    clearTimeout(sb.draftTimer);
    sb.draftTimer = setTimeout(() => sendDraft(sb), EDIT_DELAY_MS);
  });
  sb.on(prompt, "change", () => open() && sendDraft(sb));
  sb.on(prompt, "keydown", runOnCtrlEnter(sb));
  sb.on(cancel, "click", () => {
    if (open()) closeDraft(sb);
    else card.remove(); // already sent: its shot arrives as a card (Remove takes it off); or refused
    sb.refused = sb.refused.filter((d) => d !== draft);
    sb.ui.add.focus();
  });
  sb.ui.list.append(card);
  prompt.focus();
}

export function sendDraft(sb) {
  clearTimeout(sb.draftTimer);
  if (!sb.draft || sb.draft.sent || !sb.draft.prompt.value.trim()) return;
  const { draft } = sb;
  draft.sent = true;
  draft.index = sb.model.get("shots").length + sb.arriving.length; // where its shot will be
  draft.hint.textContent = "Type the prompt to add this shot";
  draft.card.classList.remove("sw-sb-refused");
  draft.sentText = draft.prompt.value;
  draft.placed = false;
  draft.seq = post(sb, { type: "add", prompt: draft.sentText });
}

export function closeDraft(sb) {
  clearTimeout(sb.draftTimer);
  sb.draft?.card.remove();
  sb.draft = null;
}

// A new shot's card takes over the text typed into its draft meanwhile, and the caret if the
// draft had it (`focused`: the element that had the keyboard before the cards were redrawn).
function takeOver(sb, draft, focused) {
  const typed = draft.prompt;
  const box = sb.cards[draft.index].prompt;
  box.value = typed.value;
  if (typed.value.trim() !== sb.model.get("shots")[draft.index].prompt) editSoon(sb, draft.index, typed.value);
  draft.card.remove();
  if (focused === typed) {
    box.focus();
    box.setSelectionRange(typed.selectionStart, typed.selectionEnd);
  }
}

// Whether a sent draft's shot is on the board: at the index the kernel answered, or (before the
// answer) at the one the page expected if that shot holds the words the draft sent.
function arrived(sb, draft) {
  const shot = draft.sent ? sb.model.get("shots")[draft.index] : undefined;
  return Boolean(shot) && (draft.placed || shot.prompt.trim() === draft.sentText.trim());
}

// Some draft's shot has arrived without its card having taken it over yet (the kernel's answer
// put it right after the cards were drawn).
export function draftArrived(sb) {
  return [sb.draft, ...sb.arriving].some((d) => d && arrived(sb, d));
}

// The board's cards were redrawn (or a draft's place was answered): each draft whose shot has
// arrived becomes its card; the others (still on their way, or not sent yet) are drawn again
// after the cards.
export function adoptDraft(sb, focused) {
  const isHere = (draft) => arrived(sb, draft);
  const here = sb.arriving.filter(isHere);
  sb.arriving = sb.arriving.filter((draft) => !here.includes(draft));
  for (const draft of here) takeOver(sb, draft, focused);
  for (const draft of [...sb.arriving, ...sb.refused]) sb.ui.list.append(draft.card);
  const { draft } = sb;
  if (!draft) return;
  if (!isHere(draft)) {
    sb.ui.list.append(draft.card);
    if (focused === draft.prompt) draft.prompt.focus();
    return;
  }
  takeOver(sb, draft, focused);
  closeDraft(sb);
}
