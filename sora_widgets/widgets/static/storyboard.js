// Storyboard front end: shot cards drawn from the widget's own state, the price before Run, and
// the joined film. Filmstrips and the film arrive as binary buffers in custom messages. Text from
// the kernel or the user is only ever set with textContent.
// Its named parts: storyboard_cards.js (the shot cards), storyboard_edits.js (typing: delayed
// edits and the draft card of "Add shot").

import { activeIn, bufferUrl, fillSelect, h, listen, uid } from "./_dom.js";
import { paintCard, redrawCards } from "./storyboard_cards.js";
import { acknowledged, adoptDraft, draftArrived, openDraft, startRun } from "./storyboard_edits.js";
import "./storyboard.css";

// Header (board-wide settings), the cards, the footer with the price and Run, and the film.
function layoutBoard(el) {
  const title = h("h3", { class: "sw-sb-title", text: "Storyboard" });
  const sim = h("span", { class: "sw-badge-sim", text: "simulated", title: "Made by the built-in simulator, not the real service" });
  const sizeText = h("span", { class: "sw-muted sw-sb-size" });
  const modeId = uid("sw-sb-mode");
  const modeSelect = h("select", { id: modeId, class: "sw-sb-mode" });
  const lengthId = uid("sw-sb-len");
  const lengthSelect = h("select", { id: lengthId, class: "sw-sb-length" });
  const header = h("div", { class: "sw-sb-header" }, [
    title,
    sim,
    sizeText,
    h("label", { for: modeId, text: "Each shot" }),
    modeSelect,
    h("label", { for: lengthId, text: "Length" }),
    lengthSelect,
  ]);

  const list = h("ol", { class: "sw-sb-cards", "aria-label": "Shots" });
  const add = h("button", { class: "sw-btn", type: "button", text: "Add shot" });
  const price = h("div", { class: "sw-sb-price", "aria-live": "polite" });
  const run = h("button", { class: "sw-btn sw-btn-primary sw-sb-run", type: "button", text: "Run" });
  const footer = h("div", { class: "sw-sb-footer" }, [add, price, run]);
  const alert = h("div", { class: "sw-alert", role: "alert" });

  const filmVideo = h("video", { class: "sw-sb-film-video", controls: "", playsinline: "", preload: "auto", "aria-label": "The joined film" });
  const filmFacts = h("p", { class: "sw-sb-film-facts sw-muted" });
  const film = h("section", { class: "sw-sb-film", "aria-label": "Film" }, [h("h4", { text: "Film" }), filmVideo, filmFacts]);

  const root = h("div", { class: "sw-root sw-sb" }, [header, list, footer, alert, film]);
  el.append(root);
  return { sim, sizeText, modeSelect, lengthSelect, list, add, price, run, alert, film, filmVideo, filmFacts };
}

// What the parts share: the model, the elements, the listeners to undo, and the view's state.
function boardState(model, ui) {
  const handlers = [];
  return {
    model,
    ui,
    handlers,
    send: (msg) => model.send(msg),
    on: (node, type, fn) => handlers.push(listen(node, type, fn)),
    pending: new Map(), // index -> timer of an edit not sent yet
    pendingValue: new Map(), // index -> its text
    viewId: uid("sw-sb-view"), // the kernel's answers ("ack") name the view that asked
    seq: 0, // the number of this view's last message that asks for an answer
    unconfirmed: new Map(), // index -> number of its last edit sent, until the kernel answers it
    thumbs: new Map(), // task id -> object URL
    filmUrl: null,
    filmVersion: -1,
    cards: [],
    focusAfter: null, // [index, selector] to focus once this view's add/move/remove has arrived
    lastPrompts: "",
    draft: null, // { card, prompt, sent, index } while the new card is not a shot of the board yet
    arriving: [], // drafts sent to the board whose shots have not come back yet (in order)
    refused: [], // drafts the board refused while another was open: kept with their words
    draftTimer: null,
  };
}

// One card per shot (rebuilt when the count changes), then the keyboard where a move sent it.
function paintCards(sb, shots) {
  const { ui, draft } = sb;
  if (sb.cards.length !== shots.length) adoptDraft(sb, redrawCards(sb, shots.length));
  else if (draftArrived(sb)) adoptDraft(sb, activeIn(ui.list));
  const prompts = JSON.stringify(shots.map((s) => s.prompt));
  const moved = sb.focusAfter !== null && prompts !== sb.lastPrompts;
  sb.lastPrompts = prompts;
  shots.forEach((shot, i) => paintCard(sb, sb.cards[i], shot, i, shots.length, moved));
  if (moved && sb.cards[sb.focusAfter[0]]) {
    const [index, selector] = sb.focusAfter;
    const target = selector ? sb.cards[index].card.querySelector(selector) : sb.cards[index].prompt;
    sb.focusAfter = null;
    target?.focus();
  }
}

// The header's settings, the price and Run, the alert, and the film's facts.
function paintBoard(sb, shots) {
  const { model, ui } = sb;
  ui.sim.hidden = !model.get("simulated");
  ui.sizeText.textContent = model.get("size").replace("x", " × ");
  fillSelect(ui.modeSelect, model.get("continuity_choices"), model.get("continuity"));
  fillSelect(ui.lengthSelect, model.get("seconds_choices").map((s) => [s, `${s} s`]), model.get("seconds"));
  const running = model.get("running");
  ui.modeSelect.disabled = ui.lengthSelect.disabled = ui.add.disabled = running;
  ui.run.disabled = running || shots.length === 0;
  for (const draft of [sb.draft, ...sb.refused]) if (draft) draft.prompt.disabled = running;
  ui.run.textContent = running ? "Running…" : "Run";
  const budget = model.get("budget");
  const parts = [];
  if (shots.length) parts.push(`Total ${model.get("total_cost")}`);
  if (model.get("run_cost")) parts.push(`this run ${model.get("run_cost")}`);
  if (budget) parts.push(`budget ${budget}`);
  ui.price.textContent = parts.join(" · ") + (model.get("run_note") ? ` (${model.get("run_note")})` : "");
  ui.alert.textContent = model.get("error");
  ui.alert.hidden = !ui.alert.textContent;
  const info = model.get("film");
  ui.film.hidden = !info || !info.frames;
  if (info && info.frames) {
    const how = info.join === "copy" ? "joined without re-encoding" : "re-encoded";
    ui.filmFacts.textContent = `${info.shots} shots · ${info.duration} s · ${info.cost} · ${how}${info.audio ? " · with sound" : ""}`;
  }
}

function paint(sb) {
  const shots = sb.model.get("shots");
  paintCards(sb, shots);
  paintBoard(sb, shots);
}

// A filmstrip (for one shot's card) or the joined film, as bytes in a custom message.
function showMedia(sb, msg, buffers) {
  if (msg.type === "ack" && msg.view === sb.viewId) {
    acknowledged(sb, msg);
    paint(sb);
  } else if (msg.type === "thumb" && buffers?.length) {
    const old = sb.thumbs.get(msg.task_id);
    if (old) URL.revokeObjectURL(old);
    sb.thumbs.set(msg.task_id, bufferUrl(buffers[0], msg.mime || "image/jpeg"));
    paint(sb);
  } else if (msg.type === "film" && buffers?.length && msg.version !== sb.filmVersion) {
    if (sb.filmUrl) URL.revokeObjectURL(sb.filmUrl);
    sb.filmUrl = bufferUrl(buffers[0], msg.mime || "video/mp4");
    sb.filmVersion = msg.version;
    sb.ui.filmVideo.src = sb.filmUrl;
    sb.ui.filmVideo.load();
  }
}

function wireBoard(sb) {
  const { on, send, ui } = sb;
  on(ui.modeSelect, "change", () => send({ type: "settings", continuity: ui.modeSelect.value }));
  on(ui.lengthSelect, "change", () => send({ type: "settings", seconds: Number(ui.lengthSelect.value) }));
  on(ui.run, "click", () => startRun(sb));
  on(ui.add, "click", () => openDraft(sb));
}

export function mountStoryboard({ model, el }) {
  const sb = boardState(model, layoutBoard(el));
  wireBoard(sb);
  const onMessage = (msg, buffers) => showMedia(sb, msg, buffers);
  const onChange = () => paint(sb);
  model.on("msg:custom", onMessage);
  model.on("change", onChange);
  paint(sb);
  sb.send({ type: "ready" });

  return () => {
    for (const undo of sb.handlers) undo();
    for (const timer of sb.pending.values()) clearTimeout(timer);
    clearTimeout(sb.draftTimer);
    model.off("msg:custom", onMessage);
    model.off("change", onChange);
    sb.ui.filmVideo.pause();
    sb.ui.filmVideo.removeAttribute("src");
    if (sb.filmUrl) URL.revokeObjectURL(sb.filmUrl);
    for (const url of sb.thumbs.values()) URL.revokeObjectURL(url);
  };
}

export default { render: mountStoryboard };
