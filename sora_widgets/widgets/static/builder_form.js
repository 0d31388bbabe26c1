// The PromptBuilder's form and its resynchronisation, a part of prompt_builder.js.
//
// Resynchronisation: ipywidgets may hold back or lose a state update while the kernel is busy
// (a cell awaiting a generation), leaving Python with an older text than the page shows. Every
// edit bumps a sequence number; once typing pauses (and again every few seconds until the kernel
// acknowledges that number) what this view set goes to the kernel in a custom message, which it
// applies unless it already has a newer one from this view. Until then, the page's values win
// over older ones coming back from the kernel: in the boxes, and in the model too (a trait the
// kernel sets back to an older value while this view is ahead gets the page's value again, so
// the next form sent, and the rows and choices drawn from the model, are the page's, not the echo).

import { save, uid } from "./_dom.js";

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
// `set(trait, value)` is an edit from this view (saved and counted); `ahead()` says the kernel has
// not confirmed the latest one yet; `form()` is what the page set that the kernel has not confirmed.
export function formSync(model) {
  const viewId = uid("sw-pb-view");
  let localSeq = 0; // edits made in this view
  let ackedSeq = 0; // the newest of them the kernel has confirmed
  let idleTimer = null;
  let lastSent = 0;
  let sent = null; // the last form sent: { seq, form }
  let page = {}; // the traits this view set since the kernel last confirmed all of its edits
  const ahead = () => localSeq !== ackedSeq;
  // Only the traits this view set: the others are the kernel's to say (a model switched in the
  // kernel changes `values` there; the page's copy may still be the model before's).
  const form = () => ({ ...page });
  // A value the kernel sends while this view is ahead was set before the view's latest edit
  // reached it (a form applied while later state updates were still held back): keep the page's.
  const keepPage = FORM_KEYS.map((key) => {
    const restore = () => {
      if (ahead() && key in page && model.get(key) !== page[key]) model.set(key, page[key]);
    };
    model.on(`change:${key}`, restore);
    return () => model.off(`change:${key}`, restore);
  });
  function sendForm() {
    idleTimer = null;
    if (!ahead()) return;
    lastSent = Date.now();
    sent = { seq: localSeq, form: form() };
    model.send({ type: "form", view: viewId, seq: sent.seq, form: sent.form });
  }
  function edited() {
    localSeq += 1;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(sendForm, RESYNC_IDLE_MS);
  }
  function set(trait, value) {
    page[trait] = value;
    save(model, trait, value);
    edited();
  }
  const retry = setInterval(() => {
    if (ahead() && idleTimer === null && Date.now() - lastSent >= RESYNC_RETRY_MS) sendForm();
  }, RESYNC_RETRY_MS / 2);
  // The kernel's acknowledgement: true when it holds exactly what was sent (an older value it
  // echoed meanwhile is void, so the sent values are set again).
  function acknowledged(msg) {
    if (msg.view !== viewId) return false;
    ackedSeq = Math.min(localSeq, Math.max(ackedSeq, Number(msg.seq) || 0));
    if (ahead()) return false;
    page = {};
    if (!sent || sent.seq !== ackedSeq) return false;
    for (const [key, value] of Object.entries(sent.form)) if (model.get(key) !== value) model.set(key, value);
    return true;
  }
  return {
    ahead,
    set,
    form,
    acknowledged,
    // The form was cleared: what it holds now is the kernel's to say.
    forget: () => {
      localSeq = ackedSeq;
      page = {};
    },
    dispose() {
      clearInterval(retry);
      if (idleTimer !== null) clearTimeout(idleTimer);
      keepPage.forEach((off) => off());
    },
  };
}
