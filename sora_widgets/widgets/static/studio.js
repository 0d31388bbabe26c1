// Studio front end: one anywidget that draws its parts. The header is the Studio's own; the
// builder, player and strip are child widgets drawn from their models (childModel) with their
// own mount functions; each running generation's status line is a record of the "jobs" list,
// drawn by mountStatusBar over a small model made from that record. Text via textContent only.

import { childModel, h, keepKeys, onTraits, showWhenDisconnected } from "./_dom.js";
import { mountPlayer } from "./player.js";
import { mountPromptBuilder } from "./prompt_builder.js";
import { mountStatusBar } from "./status_bar.js";
import { mountStrip } from "./strip.js";
import "./studio.css";

// A model for one record of the Studio's "jobs" list, with the part of anywidget's model API a
// status bar uses: get, on/off ("change" and "change:<name>"), send (as {..., job: id} to the
// Studio). refresh(record) is called by the Studio with the record's new values.
export function jobRecordModel(model, record) {
  let current = record;
  const listeners = new Map(); // event -> Set of functions
  const emit = (event, value) => {
    for (const fn of [...(listeners.get(event) || [])]) fn(value);
  };
  return {
    // A record holds its own values; what every line shares (the status words) is the Studio's.
    get: (name) => (name in current ? current[name] : model.get(name)),
    set: () => {},
    save_changes: () => {},
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
    },
    off(event, fn) {
      if (!event) listeners.clear();
      else if (!fn) listeners.delete(event);
      else listeners.get(event)?.delete(fn);
    },
    send: (content, callbacks, buffers) => model.send({ ...content, job: current.id }, callbacks, buffers),
    widget_manager: model.widget_manager,
    refresh(next) {
      const before = current;
      current = next;
      const changed = Object.keys(next).filter((key) => before[key] !== next[key]);
      for (const key of changed) emit(`change:${key}`, next[key]);
      if (changed.length) emit("change");
    },
  };
}

function layoutStudio(el) {
  const title = h("h3", { class: "sw-studio-title" });
  const badge = h("span", { class: "sw-badge-sim", text: "simulated", title: "Videos come from the built-in simulator; nothing is sent to the real service" });
  const service = h("span", { class: "sw-studio-service sw-muted" });
  const counts = h("span", { class: "sw-studio-counts", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const header = h("div", { class: "sw-studio-header" }, [h("div", { class: "sw-studio-line" }, [title, badge, service, counts]), alert]);
  const builderBox = h("div", { class: "sw-studio-builder" });
  const bars = h("div", { class: "sw-studio-bars" });
  const playerBox = h("div", { class: "sw-studio-player" });
  const stripBox = h("div", { class: "sw-studio-strip" });
  const offline = h("div", {
    class: "sw-alert sw-studio-offline",
    role: "alert",
    text: "Disconnected: the kernel restarted or stopped, so this Studio no longer works. Re-run its cell to get a live one (your videos are in client.history).",
  });
  offline.hidden = true;
  const root = h("div", { class: "sw-root sw-studio" }, [offline, header, builderBox, bars, playerBox, stripBox]);
  el.append(root);
  return { title, badge, service, counts, alert, builderBox, bars, playerBox, stripBox, offline, root };
}

function paintHeader(model, ui) {
  ui.title.textContent = model.get("title");
  ui.badge.hidden = !model.get("simulated");
  ui.service.textContent = model.get("service") ? `→ ${model.get("service")}` : "";
  const parts = [];
  if (model.get("running_count")) parts.push(`${model.get("running_count")} running`);
  if (model.get("finished")) parts.push(`${model.get("finished")} done`);
  if (model.get("failed")) parts.push(`${model.get("failed")} failed`);
  if (model.get("spent")) parts.push(model.get("spent")); // "$3.60 spent (simulated)"
  ui.counts.textContent = parts.join(" · ");
  ui.alert.textContent = model.get("error");
  ui.alert.hidden = !ui.alert.textContent;
}

// One status line per record, newest first; a record that goes (folded into the strip) takes
// its line with it. Lines are kept by record id, so a change repaints only what changed.
// Returns the function that takes the lines down.
function mountJobLines(model, bars) {
  const lines = new Map(); // id -> { node, record, unmount }
  function paintJobs() {
    const jobs = model.get("jobs") || [];
    const ids = new Set(jobs.map((job) => job.id));
    for (const [id, line] of [...lines]) {
      if (ids.has(id)) continue;
      line.unmount();
      line.node.remove();
      lines.delete(id);
    }
    let cursor = bars.firstChild;
    for (const job of jobs) {
      let line = lines.get(job.id);
      if (line) line.record.refresh(job);
      else {
        const node = h("div", { class: "sw-studio-job", "data-job": job.id });
        const record = jobRecordModel(model, job);
        line = { node, record, unmount: mountStatusBar({ model: record, el: node }) };
        lines.set(job.id, line);
      }
      if (line.node === cursor) cursor = cursor.nextSibling;
      else bars.insertBefore(line.node, cursor);
    }
    bars.hidden = jobs.length === 0;
  }
  model.on("change:jobs", paintJobs);
  paintJobs();
  return () => {
    model.off("change:jobs", paintJobs);
    for (const line of lines.values()) line.unmount();
    lines.clear();
  };
}

// The parts, each from its own model: the same code that draws them alone. Each one drawn adds
// its cleanup to `cleanups`, unless the view was closed meanwhile (`closed()`).
async function mountParts(model, ui, cleanups, closed) {
  const parts = [
    ["builder", ui.builderBox, mountPromptBuilder],
    ["player", ui.playerBox, mountPlayer],
    ["strip", ui.stripBox, mountStrip],
  ];
  await Promise.all(
    parts.map(async ([name, box, mount]) => {
      try {
        const part = await childModel(model, name);
        if (!closed()) cleanups.push(mount({ model: part, el: box }));
      } catch (err) {
        box.replaceChildren(h("div", { class: "sw-alert", role: "alert", text: `The ${name} could not be shown: ${err}` }));
      }
    }),
  );
}

export async function mountStudio({ model, el }) {
  const releaseKeys = keepKeys(el);
  const ui = layoutStudio(el);
  const cleanups = [releaseKeys, showWhenDisconnected(model, el, ui.root, ui.offline)];
  const paint = () => paintHeader(model, ui);
  cleanups.push(onTraits(model, ["title", "simulated", "service", "running_count", "finished", "failed", "spent", "error"], paint));
  paint();
  cleanups.push(mountJobLines(model, ui.bars));
  let closed = false;
  await mountParts(model, ui, cleanups, () => closed);
  return () => {
    closed = true;
    for (const fn of cleanups.splice(0).reverse()) fn();
  };
}

export default { render: mountStudio };
