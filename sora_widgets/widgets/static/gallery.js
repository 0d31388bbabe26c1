// Gallery front end: filters, count, resume, the details of a chosen entry, and the Gallery's two
// parts, the tiles and the player, drawn here from their own models (childModel + mountStrip /
// mountPlayer): one anywidget on the page, in Jupyter and marimo alike. Everything from the
// journal is shown with textContent.

import { childModel, choiceOptions, h, keepKeys, labelled, listen, onTraits, save } from "./_dom.js";
import { mountPlayer } from "./player.js";
import { mountStrip } from "./strip.js";
import "./gallery.css";

export const GALLERY_TRAITS = [
  "status",
  "model",
  "model_choices",
  "search",
  "count",
  "unfinished",
  "can_resume",
  "busy",
  "error",
  "detail",
  "detail_title",
];

function layoutGallery(model, el) {
  const status = h("select");
  for (const [value, text] of model.get("status_choices")) status.append(h("option", { value, text }));
  const modelSelect = h("select");
  const search = h("input", { type: "search", placeholder: "words in the prompt or task id" });
  const refresh = h("button", { class: "sw-btn", type: "button", text: "Refresh" });
  const resume = h("button", { class: "sw-btn", type: "button", text: "Resume unfinished" });
  const count = h("span", { class: "sw-gal-count sw-muted", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const detailTitle = h("h4", { class: "sw-gal-detail-title" });
  const detailList = h("dl", { class: "sw-gal-detail-list" });
  const detail = h("section", { class: "sw-gal-detail", "aria-label": "Request details" }, [detailTitle, detailList]);
  const stripBox = h("div", { class: "sw-gal-strip" });
  const playerBox = h("div", { class: "sw-gal-player" });
  const root = h("div", { class: "sw-root sw-gallery" }, [
    h("div", { class: "sw-gallery-controls" }, [
      h("div", { class: "sw-gal-bar" }, [
        h("strong", { class: "sw-gal-title", text: "History" }),
        labelled("Status", status, "sw-gal-field"),
        labelled("Model", modelSelect, "sw-gal-field"),
        labelled("Search", search, "sw-gal-field"),
        refresh,
        resume,
        count,
      ]),
      alert,
      detail,
    ]),
  ]);
  el.append(root);
  return { status, modelSelect, search, refresh, resume, count, alert, detailTitle, detailList, detail, stripBox, playerBox, root };
}

// The filters and buttons; returns the functions that stop listening.
function wireFilters(model, ui) {
  const { status, modelSelect, search } = ui;
  return [
    listen(status, "change", () => save(model, "status", status.value)),
    listen(modelSelect, "change", () => save(model, "model", modelSelect.value)),
    listen(search, "input", () => save(model, "search", search.value)),
    listen(ui.refresh, "click", () => model.send({ type: "refresh" })),
    listen(ui.resume, "click", () => model.send({ type: "resume" })),
  ];
}

function paintGallery(model, ui) {
  const { modelSelect, search, resume, alert, detail } = ui;
  ui.status.value = model.get("status");
  const choices = model.get("model_choices");
  if (choices !== ui.shownChoices) {
    ui.shownChoices = choices;
    modelSelect.replaceChildren(h("option", { value: "", text: "All models" }), ...choiceOptions(choices));
  }
  modelSelect.value = model.get("model");
  if (search.value !== model.get("search")) search.value = model.get("search");
  ui.count.textContent = model.get("count");
  const unfinished = model.get("unfinished");
  const busy = model.get("busy");
  resume.hidden = !model.get("can_resume");
  resume.disabled = busy || unfinished === 0;
  resume.textContent = busy ? "Resuming…" : unfinished ? `Resume unfinished (${unfinished})` : "Resume unfinished";
  alert.textContent = model.get("error");
  alert.hidden = !alert.textContent;
  const rows = model.get("detail");
  ui.detailTitle.textContent = model.get("detail_title");
  ui.detailList.replaceChildren(...rows.flatMap(([term, value]) => [h("dt", { text: term }), h("dd", { text: value })]));
  detail.hidden = rows.length === 0;
  // An entry without a video is explained instead of played: nothing to show in the player.
  ui.playerBox.hidden = rows.length > 0;
}

// A click on a tile is a wish to watch it: once its video has loaded, the player is brought
// into view (with forty results it sits far below the tiles) and plays. The click is the
// user's gesture, so the browser allows playback. Returns the functions that stop listening.
function watchOnClick(stripBox, playerBox) {
  let watchNext = false;
  return [
    listen(stripBox, "click", (event) => {
      if (event.target instanceof Element && event.target.closest(".sw-strip-tile")) watchNext = true;
    }),
    listen(playerBox, "loadeddata", (event) => {
      if (!watchNext || !(event.target instanceof HTMLVideoElement)) return;
      watchNext = false;
      playerBox.scrollIntoView({ block: "nearest", behavior: "auto" });
      event.target.play().catch(() => {}); // refused (no sound allowed): the controls are in view
    }, true), // media events do not bubble: listened to on the way down
  ];
}

export async function mountGallery({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutGallery(model, el);
  const undo = [releaseKeys, ...wireFilters(model, ui)];
  const paint = () => paintGallery(model, ui);
  undo.push(onTraits(model, GALLERY_TRAITS, paint));
  paint();

  // The parts: their models exist before the Gallery's (made in Python's __init__).
  const [stripModel, playerModel] = await Promise.all([childModel(model, "strip"), childModel(model, "player")]);
  // Drawn before they join the page: the first tiles reach the document at once, in one insertion.
  undo.push(mountStrip({ model: stripModel, el: ui.stripBox }));
  undo.push(mountPlayer({ model: playerModel, el: ui.playerBox }));
  ui.root.append(ui.stripBox, ui.playerBox);
  undo.push(...watchOnClick(ui.stripBox, ui.playerBox));
  return () => {
    for (const fn of undo.reverse()) if (typeof fn === "function") fn();
    el.replaceChildren();
  };
}

export default { render: mountGallery };
