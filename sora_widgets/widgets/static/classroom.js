// Classroom front end: the class table and the wall of latest videos, drawn from this widget's
// own state. Rows and cards are keyed (by name, by task id) and updated in place, so a top-up
// amount being typed and a video playing survive every refresh. Server text uses textContent.

import { h } from "./_dom.js";
import "./classroom.css";

export const COLUMNS = [
  ["name", "Student"],
  ["budget", "Budget"],
  ["spent", "Spent"],
  ["reserved", "Held"],
  ["remaining", "Left"],
  ["running", "Running"],
  ["failed", "Failed"],
  ["unknown", "Unknown"],
  ["over_budget", "Over budget"], // creates the gateway refused (402): they did not fit the budget
  ["last_activity", "Active"],
];

export function ago(ts) {
  if (!(ts > 0)) return "–";
  const seconds = Math.max(0, Date.now() / 1000 - ts);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return new Date(ts * 1000).toLocaleTimeString();
}

// The bar, the class table and the wall; the rows and cards are added as they come.
function layoutClassroom(el) {
  const title = h("strong", { class: "sw-cls-title", text: "Classroom" });
  const where = h("span", { class: "sw-muted sw-cls-url" });
  const updated = h("span", { class: "sw-muted sw-cls-updated", "aria-live": "off" });
  const refresh = h("button", { class: "sw-btn", type: "button", text: "Refresh" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const note = h("div", { class: "sw-cls-note", role: "status" });
  const head = h("tr", {}, [...COLUMNS.map(([, text]) => h("th", { scope: "col", text })), h("th", { scope: "col", text: "Actions" })]);
  const body = h("tbody");
  const table = h("table", { class: "sw-cls-table" }, [h("thead", {}, [head]), body]);
  const empty = h("div", { class: "sw-muted", text: "No students yet: sora-widgets gateway add NAME --budget 5.00" });
  const wallTitle = h("h4", { class: "sw-cls-wall-title", text: "The class's latest videos" });
  const wall = h("div", { class: "sw-cls-wall" });
  const wallEmpty = h("div", { class: "sw-muted", text: "No finished videos yet." });
  const root = h("div", { class: "sw-root sw-classroom" }, [
    h("div", { class: "sw-cls-bar" }, [title, where, updated, refresh]),
    alert,
    note,
    h("div", { class: "sw-cls-scroll" }, [table]),
    empty,
    wallTitle,
    wall,
    wallEmpty,
  ]);
  el.append(root);
  return {
    where, updated, refresh, alert, note, body, table, empty, wall, wallEmpty,
    rows: new Map(), // name -> {tr, cells, amount, topUp, revoke}
    cards: new Map(), // task id -> {card, video}
    timers: new Set(),
  };
}

function makeRow(model, view, name) {
  const { rows, timers } = view;
  const cells = {};
  const tr = h("tr", { "data-student": name });
  for (const [key] of COLUMNS) {
    cells[key] = h(key === "name" ? "th" : "td", key === "name" ? { scope: "row" } : { class: "sw-cls-num" });
    tr.append(cells[key]);
  }
  const amount = h("input", { type: "text", inputmode: "decimal", size: "5", value: "1.00", "aria-label": `Top-up amount for ${name}` });
  const topUp = h("button", { class: "sw-btn", type: "button", text: "Top up", "aria-label": `Top up ${name}` });
  const revoke = h("button", { class: "sw-btn sw-cls-revoke", type: "button", text: "Revoke", "aria-label": `Revoke ${name}'s key` });
  const box = h("div", { class: "sw-cls-actions-box" }, [h("span", { class: "sw-muted", text: "$" }), amount, topUp, revoke]);
  const actions = h("td", { class: "sw-cls-actions" }, [box]);
  tr.append(actions);
  topUp.addEventListener("click", () => model.send({ type: "top_up", name, amount: amount.value }));
  amount.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation(); // not JupyterLab's Shift/Ctrl+Enter: this is our form
      model.send({ type: "top_up", name, amount: amount.value });
    }
  });
  // Revoking cannot be undone by a click: the first press asks, the second (within 5 s) acts.
  let armed = null;
  revoke.addEventListener("click", () => {
    if (armed === null) {
      revoke.textContent = "Confirm revoke";
      revoke.classList.add("sw-cls-armed");
      armed = setTimeout(() => {
        timers.delete(armed);
        armed = null;
        revoke.textContent = "Revoke";
        revoke.classList.remove("sw-cls-armed");
      }, 5000);
      timers.add(armed);
      return;
    }
    clearTimeout(armed);
    armed = null;
    revoke.textContent = "Revoke";
    revoke.classList.remove("sw-cls-armed");
    model.send({ type: "revoke", name });
  });
  const row = { tr, cells, amount, topUp, revoke, actions };
  rows.set(name, row);
  return row;
}

function paintStudents(model, view) {
  const { rows, body, empty, table } = view;
  const students = model.get("students") || [];
  const seen = new Set();
  students.forEach((s, index) => {
    seen.add(s.name);
    const row = rows.get(s.name) || makeRow(model, view, s.name);
    for (const [key] of COLUMNS) {
      let text = s[key];
      if (key === "last_activity") text = ago(s[key]);
      else if (["budget", "spent", "reserved", "remaining"].includes(key)) text = `$${s[key]}`;
      row.cells[key].textContent = String(text ?? "");
    }
    if (s.admin) row.cells.name.append(h("span", { class: "sw-cls-tag", text: "admin" }));
    if (s.revoked) row.cells.name.append(h("span", { class: "sw-cls-tag sw-cls-revoked", text: "revoked" }));
    row.tr.classList.toggle("sw-cls-row-revoked", !!s.revoked);
    row.tr.classList.toggle("sw-cls-row-empty", !s.admin && !s.revoked && s.remaining === "0.00");
    row.actions.hidden = !!s.admin;
    row.revoke.disabled = !!s.revoked;
    if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] || null);
  });
  for (const [name, row] of rows) {
    if (!seen.has(name)) {
      row.tr.remove();
      rows.delete(name);
    }
  }
  empty.hidden = students.length > 0;
  table.hidden = students.length === 0;
}

function paintWall(model, view) {
  const { cards, wall, wallEmpty } = view;
  const items = model.get("wall") || [];
  const seen = new Set();
  items.forEach((item, index) => {
    const id = item.id || `${item.student}-${item.created_at}`;
    seen.add(id);
    let entry = cards.get(id);
    if (!entry) {
      const video = h("video", { muted: "", loop: "", controls: "", playsinline: "", preload: "metadata" });
      video.muted = true;
      const card = h("figure", { class: "sw-cls-card", "data-task": id }, [
        video,
        h("figcaption", {}, [h("strong", { text: item.student }), h("span", { class: "sw-cls-prompt", text: item.prompt })]),
      ]);
      entry = { card, video };
      cards.set(id, entry);
    }
    if (item.url && entry.video.getAttribute("src") !== item.url) entry.video.src = item.url;
    if (wall.children[index] !== entry.card) wall.insertBefore(entry.card, wall.children[index] || null);
  });
  for (const [id, entry] of cards) {
    if (!seen.has(id)) {
      entry.video.removeAttribute("src");
      entry.video.load();
      entry.card.remove();
      cards.delete(id);
    }
  }
  wallEmpty.hidden = items.length > 0;
}

function paintStatus(model, view) {
  const { where, updated, alert, note, refresh } = view;
  where.textContent = model.get("url");
  const when = model.get("updated");
  updated.textContent = when ? `updated ${when}` : "loading…";
  alert.textContent = model.get("error");
  alert.hidden = !model.get("error");
  note.textContent = model.get("note");
  note.hidden = !model.get("note");
  refresh.disabled = model.get("busy");
}

export function mountClassroom({ model, el }) {
  const view = layoutClassroom(el);
  const { refresh } = view;
  const onRefresh = () => model.send({ type: "refresh" });
  refresh.addEventListener("click", onRefresh);

  const paintStudentsNow = () => paintStudents(model, view);
  const paintWallNow = () => paintWall(model, view);
  const paintStatusNow = () => paintStatus(model, view);
  paintStudentsNow();
  paintWallNow();
  paintStatusNow();
  model.on("change:students", paintStudentsNow);
  model.on("change:wall", paintWallNow);
  for (const name of ["url", "updated", "error", "note", "busy"]) model.on(`change:${name}`, paintStatusNow);

  return () => {
    model.off("change:students", paintStudentsNow);
    model.off("change:wall", paintWallNow);
    for (const name of ["url", "updated", "error", "note", "busy"]) model.off(`change:${name}`, paintStatusNow);
    refresh.removeEventListener("click", onRefresh);
    for (const timer of view.timers) clearTimeout(timer);
    for (const { video } of view.cards.values()) {
      video.removeAttribute("src");
      video.load();
    }
  };
}

export default { render: mountClassroom };
