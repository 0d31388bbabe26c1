// The Storyboard's shot cards, a part of storyboard.js: each card's controls are built, wired to
// messages for the kernel, and painted from the shot's state. Text goes in with textContent only.

import { activeIn, fillSelect, h, statusWord, uid } from "./_dom.js";
import { editSoon, flush, flushAll, runOnCtrlEnter } from "./storyboard_edits.js";

export const ACTION_TEXT = {
  reuse: "made already: kept",
  resume: "unfinished: will be finished, not sent again",
  generate: "will be made",
  unknown: "sent before, answer lost: not resent",
};

function cardElements(index) {
  const n = index + 1;
  const connector = h("div", { class: "sw-sb-connector" });
  const linkId = uid("sw-sb-link");
  const link = h("select", { id: linkId, class: "sw-sb-link", "aria-label": `How shot ${n} continues from shot ${index}` });
  const linkLabel = h("label", { for: linkId, class: "sw-muted", text: `Shot ${n}` });
  connector.append(h("span", { class: "sw-sb-arrow", "aria-hidden": "true", text: "↓" }), linkLabel, link);
  const heading = h("h4", { class: "sw-sb-card-title", text: `Shot ${n}` });
  const prompt = h("textarea", { class: "sw-sb-prompt", rows: "3", "aria-label": `Prompt of shot ${n}` });
  const lenId = uid("sw-sb-slen");
  const length = h("select", { id: lenId, class: "sw-sb-shot-length", "aria-label": `Length of shot ${n}` });
  const up = h("button", { class: "sw-btn", type: "button", text: "↑", title: `Move shot ${n} up`, "aria-label": `Move shot ${n} up` });
  const down = h("button", { class: "sw-btn", type: "button", text: "↓", title: `Move shot ${n} down`, "aria-label": `Move shot ${n} down` });
  const remove = h("button", { class: "sw-btn", type: "button", text: "Remove", "aria-label": `Remove shot ${n}` });
  const rerun = h("button", { class: "sw-btn sw-sb-rerun", type: "button", text: "Rerun from here", "aria-label": `Rerun from here (shot ${n})` });
  const cardPrice = h("span", { class: "sw-sb-card-price sw-muted" });
  const tools = h("div", { class: "sw-sb-tools" }, [length, cardPrice, up, down, remove, rerun]);
  const barFill = h("div", { class: "sw-sb-bar-fill" });
  const bar = h("div", { class: "sw-sb-bar", role: "progressbar", "aria-label": `Progress of shot ${n}`, "aria-valuemin": "0", "aria-valuemax": "100" }, [barFill]);
  const status = h("div", { class: "sw-sb-status" });
  const strip = h("img", { class: "sw-sb-strip", alt: `Shot ${n}: first, middle and last frame` });
  const card = h("li", { class: "sw-sb-card" }, [connector, heading, prompt, tools, bar, status, strip]);
  return { card, connector, link, prompt, length, up, down, remove, rerun, cardPrice, bar, barFill, status, strip };
}

// A move or removal asked from this view: the keyboard goes to `focus` ([index, selector]) once
// the board's new order has arrived.
function moveShot(sb, msg, focus) {
  flushAll(sb);
  sb.focusAfter = focus;
  sb.send(msg);
}

function wireCard(sb, c, index) {
  const { on, send } = sb;
  on(c.prompt, "input", () => editSoon(sb, index, c.prompt.value));
  on(c.prompt, "change", () => flush(sb, index));
  on(c.prompt, "keydown", runOnCtrlEnter(sb));
  on(c.card, "keydown", (event) => {
    // Alt+Up / Alt+Down move the shot, keeping the keyboard on it.
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      event.stopPropagation();
      const to = index + (event.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= sb.model.get("shots").length) return;
      moveShot(sb, { type: "move", index, to }, [to, event.target.classList.contains("sw-sb-prompt") ? ".sw-sb-prompt" : null]);
    }
  });
  on(c.length, "change", () => send({ type: "edit", index, field: "seconds", value: Number(c.length.value) || 0 }));
  on(c.link, "change", () => send({ type: "edit", index, field: "continuity", value: c.link.value }));
  on(c.up, "click", () => moveShot(sb, { type: "move", index, to: index - 1 }, [index - 1, null]));
  on(c.down, "click", () => moveShot(sb, { type: "move", index, to: index + 1 }, [index + 1, null]));
  on(c.remove, "click", () => moveShot(sb, { type: "remove", index }, [Math.max(0, index - 1), ".sw-sb-prompt"]));
  on(c.rerun, "click", () => {
    flushAll(sb);
    send({ type: "rerun", index });
    send({ type: "run" });
  });
}

export function makeCard(sb, index) {
  const c = cardElements(index);
  wireCard(sb, c, index);
  return c;
}

// The shot count changed: every card is drawn again. A box whose words this view has not had
// answered yet (an edit waiting to go, or sent) keeps them (the state may be older than they
// are), and the box being typed in keeps its words, the keyboard and the caret; the state's
// prompt fills the others (paintCard). Returns the element that had the keyboard before, for a
// draft being typed in (adoptDraft).
export function redrawCards(sb, count) {
  const focused = activeIn(sb.ui.list);
  const old = sb.cards.map(({ prompt }) => ({ prompt, value: prompt.value, from: prompt.selectionStart, to: prompt.selectionEnd }));
  sb.cards.forEach((c) => c.card.remove());
  sb.cards = Array.from({ length: count }, (_, i) => makeCard(sb, i));
  sb.ui.list.replaceChildren(...sb.cards.map((c) => c.card));
  sb.cards.forEach(({ prompt }, i) => {
    const was = old[i];
    const typing = was?.prompt === focused;
    if (was && (typing || sb.pendingValue.has(i) || sb.unconfirmed.has(i))) prompt.value = was.value;
    if (typing) {
      prompt.focus();
      prompt.setSelectionRange(was.from, was.to);
    }
  });
  return focused;
}

// The card's status line and progress bar. The words are Python's (models.task.Status).
function paintProgress(model, c, shot) {
  const pct = shot.status === "done" ? 100 : shot.progress >= 0 ? Math.round(shot.progress * 100) : 0;
  c.barFill.style.width = `${pct}%`;
  c.bar.setAttribute("aria-valuenow", String(pct));
  c.bar.hidden = !(shot.status === "running" || shot.status === "waiting" || shot.status === "done");
  const word = statusWord(model, shot.status);
  let text = shot.status === "planned" ? ACTION_TEXT[shot.action] || word : word;
  if (shot.status === "running" && shot.progress >= 0) text += ` ${pct}%`;
  if (shot.message && (shot.status === "failed" || shot.status === "blocked")) text += `: ${shot.message}`;
  c.status.textContent = text;
}

export function paintCard(sb, c, shot, index, count, force) {
  const { model } = sb;
  const running = model.get("running");
  c.card.dataset.status = shot.status;
  c.card.dataset.action = shot.action;
  c.card.dataset.mode = shot.mode;
  c.connector.hidden = index === 0;
  const modes = model.get("continuity_choices");
  const boardMode = modes.find(([v]) => v === model.get("continuity"));
  fillSelect(c.link, [["", `as the board: ${boardMode ? boardMode[1] : ""}`], ...modes], shot.continuity);
  // A box being typed in keeps its text, unless the cards moved under it (this view's own move);
  // so does a box whose last edit the kernel has not answered yet (this state may be older).
  const typing = activeIn(c.prompt) === c.prompt && !force;
  const waiting = sb.pendingValue.has(index) || sb.unconfirmed.has(index);
  if (!typing && !waiting && c.prompt.value !== shot.prompt) {
    c.prompt.value = shot.prompt;
  }
  const lengths = model.get("seconds_choices").map((s) => [s, `${s} s`]);
  fillSelect(c.length, [[0, `${model.get("seconds")} s (board)`], ...lengths], shot.own_seconds);
  c.cardPrice.textContent = shot.cost ? `cost ${shot.cost}` : shot.price;
  for (const control of [c.prompt, c.length, c.link, c.remove]) control.disabled = running;
  c.up.disabled = running || index === 0;
  c.down.disabled = running || index === count - 1;
  c.rerun.disabled = running || !(shot.status === "done" || shot.status === "failed" || shot.action === "reuse");
  paintProgress(model, c, shot);
  const url = shot.thumb ? sb.thumbs.get(shot.thumb) : null;
  if (url) {
    if (c.strip.getAttribute("src") !== url) c.strip.src = url;
    c.strip.hidden = false;
  } else {
    c.strip.removeAttribute("src");
    c.strip.hidden = true;
  }
}
