// The PromptBuilder's form and its resynchronisation, a part of prompt_builder.js.
//
// Resynchronisation: ipywidgets may hold back or lose a state update while the kernel is busy
// (a cell awaiting a generation), leaving Python with an older text than the page shows. Every
// edit bumps a sequence number; once typing pauses (and again every few seconds until the kernel
// acknowledges that number) the whole form goes to the kernel in a custom message, which it
// applies unless it already has a newer one from this view. Until then, the page's values win
// over older ones coming back from the kernel: such a value replaces the model's (a form the
// kernel applied late comes back as an ordinary update), so the form this view sends is made from
// its own unconfirmed edits over the model, never from the model alone (which could send, and
// then show, the older text: keys typed just before a slow kernel's answer were lost).

import { uid } from "./_dom.js";

export const SHOT_FIELDS = [
  ["shot_type", "Shot type", "e.g. Wide shot"],
  ["subject", "Subject", "e.g. a red kite"],
  ["action", "Action", "e.g. gliding over the waves"],
  ["setting", "Setting", "e.g. a beach at dusk"],
  ["lighting", "Lighting", "e.g. warm backlight"],
  ["camera", "Camera movement", "e.g. slow dolly in"],
];
export const RESYNC_IDLE_MS = 300;
export const RESYNC_RETRY_MS = 2000;
export const FORM_KEYS = ["text", ...SHOT_FIELDS.map(([trait]) => trait), "orientation", "seconds", "fit_mode", "remix_id", "model", "values"];

// This view's edits, counted, and sent again as one form until the kernel acknowledges them.
// `edited(trait)` counts an edit of `trait` (just set in the model by this view); `ahead()` says
// the kernel has not confirmed the latest one yet; `get(trait)` and `form()` are the form as the
// user sees it: this view's unconfirmed edits over the model's values.
export function formSync(model) {
  const viewId = uid("sw-pb-view");
  let localSeq = 0; // edits made in this view
  let ackedSeq = 0; // the newest of them the kernel has confirmed
  let idleTimer = null;
  let lastSent = 0;
  let sent = null; // the last form sent: { seq, form }
  const mine = new Map(); // trait -> the value this view set, until the kernel confirms it
  const ahead = () => localSeq !== ackedSeq;
  const get = (trait) => (mine.has(trait) ? mine.get(trait) : model.get(trait));
  const form = () => Object.fromEntries(FORM_KEYS.map((k) => [k, get(k)]));
  function sendForm() {
    idleTimer = null;
    if (!ahead()) return;
    lastSent = Date.now();
    sent = { seq: localSeq, form: form() };
    model.send({ type: "form", view: viewId, seq: sent.seq, form: sent.form });
  }
  function edited(trait) {
    if (trait) mine.set(trait, model.get(trait));
    localSeq += 1;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(sendForm, RESYNC_IDLE_MS);
  }
  const retry = setInterval(() => {
    if (ahead() && idleTimer === null && Date.now() - lastSent >= RESYNC_RETRY_MS) sendForm();
  }, RESYNC_RETRY_MS / 2);
  // The kernel's acknowledgement: true when it holds exactly what was sent (an older value it
  // echoed meanwhile is void, so the sent values are set again).
  function acknowledged(msg) {
    if (msg.view !== viewId) return false;
    ackedSeq = Math.min(localSeq, Math.max(ackedSeq, Number(msg.seq) || 0));
    if (ahead() || !sent || sent.seq !== ackedSeq) return false;
    mine.clear();
    for (const [key, value] of Object.entries(sent.form)) if (model.get(key) !== value) model.set(key, value);
    return true;
  }
  return {
    ahead,
    edited,
    acknowledged,
    get,
    form,
    // The form was cleared: what it holds now is the kernel's to say.
    forget() {
      localSeq = ackedSeq;
      mine.clear();
    },
    dispose() {
      clearInterval(retry);
      if (idleTimer !== null) clearTimeout(idleTimer);
    },
  };
}
