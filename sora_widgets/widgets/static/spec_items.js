// A list editor for an array of typed items (a `content` array): one row per item, a choice of
// its type, then the fields that type draws (the `fields` of the control, by type), each with
// the same builders as any other control (an image field is the image picker: sniffed, fitted,
// previewed like every image parameter). Rows live in the `values` trait as flat names,
// "<name>.<row id>.<field>"; a row id is never reused while the row exists, so an image picked
// for a row (slot "<name>.<id>.image_url.url") stays with it. Nothing here knows a model.

import { activeIn, h, labelled, setUnavailable } from "./_dom.js";

const ROW_KEY = /^(\d+)\.(.+)$/;

// The rows in `values`: [[id, type], ...] in id order (the order they are sent in).
function rowsOf(control, values) {
  const prefix = control.name + ".";
  const rows = [];
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith(prefix)) continue;
    const match = ROW_KEY.exec(key.slice(prefix.length));
    if (match && match[2] === "type") rows.push([Number(match[1]), String(value)]);
  }
  return rows.sort((a, b) => a[0] - b[0]);
}

// Whether the picked model's typed items that take the prompt have a row: then there is
// something to send without the prompt box (Generate checks the rows, naming what is missing).
export function hasItems(model) {
  const values = model.get("values");
  return model.get("controls").some((c) => c.kind === "items" && c.takes_prompt && rowsOf(c, values).length > 0);
}

// A field of row `n` (1-based, as shown) as a control of its own, by its full name.
function fieldControl(control, id, n, field) {
  return { ...field, name: `${control.name}.${id}.${field.name}`, label: `Item ${n} ${field.label.toLowerCase()}` };
}

// `mapping` (values, or previews by slot) with the keys of rows `a` and `b` of the items `name`
// traded ("content.2.text" <-> "content.5.text").
function tradeRows(mapping, name, a, b) {
  const prefix = name + ".";
  const out = {};
  for (const [key, value] of Object.entries(mapping)) {
    const match = key.startsWith(prefix) ? ROW_KEY.exec(key.slice(prefix.length)) : null;
    const row = match ? Number(match[1]) : null;
    out[row === a || row === b ? `${prefix}${row === a ? b : a}.${match[2]}` : key] = value;
  }
  return out;
}

// Rows are sent in id order, so moving row `id` up or down trades its values with the
// neighbour's: the kernel first (it trades the images picked for the two rows with them), then
// the page's values, as one edit; the previews trade here at once. Returns the row id the item
// is in now.
function moveRow(sc, control, id, step, redraw) {
  const rows = rowsOf(control, sc.model.get("values"));
  const other = rows[rows.findIndex(([rowId]) => rowId === id) + step];
  if (!other) return undefined;
  const to = other[0];
  sc.model.send({ type: "move_item", name: control.name, row: id, to });
  const previews = tradeRows(sc.previews, control.name, id, to);
  for (const slot of Object.keys(sc.previews)) delete sc.previews[slot];
  Object.assign(sc.previews, previews);
  redraw([id, to]); // both rows are drawn anew (a kept file input would name the other's file)
  sc.set("values", tradeRows(sc.model.get("values"), control.name, id, to));
  return to;
}

// The keyboard follows a moved item: to the same button in the row it is in now, or, at an end
// of the list, the other one.
function focusMoved(root, to, n, dir) {
  const row = root.querySelector(`[data-row="${to}"]`);
  const button = (d) => row?.querySelector(`[aria-label="Move item ${n} ${d}"]`);
  const target = [button(dir), button(dir === "up" ? "down" : "up")].find((b) => b && !b.disabled);
  target?.focus();
}

// One row: "Item n type" choice, its fields, "Move item n up/down", "Remove item n".
// Returns [row, painters, ends(count)], ends setting which moves are possible.
function buildRow(sc, control, id, type, n, redraw) {
  const select = h("select", {});
  for (const option of control.types) select.append(h("option", { value: option, text: option }));
  select.value = type;
  sc.listen(select, "change", () => sc.setValues({ [`${control.name}.${id}.type`]: select.value }));
  const moves = ["up", "down"].map((dir) => {
    const text = `Move item ${n} ${dir}`;
    const button = h("button", { class: "sw-btn", type: "button", text: dir === "up" ? "↑" : "↓", title: text, "aria-label": text });
    const step = dir === "up" ? -1 : 1;
    sc.listen(button, "click", () => {
      const root = button.closest(".sw-items-rows");
      const to = moveRow(sc, control, id, step, redraw);
      if (to !== undefined && root) focusMoved(root, to, n + step, dir);
    });
    return button;
  });
  // Unavailable, not just disabled: the builder's enable pass leaves them off (a focused button
  // disabled for a moment loses the keyboard).
  const ends = (count) => {
    setUnavailable(moves[0], n === 1);
    setUnavailable(moves[1], n === count);
  };
  const remove = h("button", { class: "sw-btn", type: "button", text: `Remove item ${n}` });
  const fields = (control.fields[type] || []).map((f) => fieldControl(control, id, n, f));
  sc.listen(remove, "click", () => {
    const gone = {};
    const prefix = `${control.name}.${id}.`;
    for (const key of Object.keys(sc.model.get("values"))) if (key.startsWith(prefix)) gone[key] = null;
    sc.setValues(gone);
  });
  const head = h("div", { class: "sw-items-head" }, [labelled(`Item ${n} type`, select, "sw-pb-field"), ...moves, remove]);
  const row = h("div", { class: "sw-items-row", "data-row": String(id) }, [head]);
  const painters = [];
  for (const field of fields) {
    const [node, paint] = (sc.builders[field.kind] || sc.builders.text)(sc, field);
    node.setAttribute("data-name", field.name);
    row.append(node);
    painters.push([field.name, paint]);
  }
  return [row, painters, ends];
}

// Put `nodes` in `rows` in order, moving only what is out of place (a moved or redrawn row that
// had the focus gives it to the same field in its new node).
function placeRows(rows, nodes, root) {
  const focused = activeIn(root);
  const focusName = focused && focused.closest("[data-name]")?.getAttribute("data-name");
  for (const child of [...rows.children]) if (!nodes.includes(child)) child.remove();
  nodes.forEach((row, i) => {
    if (rows.children[i] !== row) rows.insertBefore(row, rows.children[i] || null);
  });
  if (focusName && activeIn(root) !== focused) {
    const name = CSS.escape(focusName);
    rows.querySelector(`[data-name="${name}"] input, [data-name="${name}"] select`)?.focus();
  }
}

export function itemsEditor(sc, control) {
  const rows = h("div", { class: "sw-items-rows" });
  const kind = h("select", {});
  for (const option of control.types) kind.append(h("option", { value: option, text: option }));
  const add = h("button", { class: "sw-btn", type: "button", text: "Add item" });
  const full = h("span", { class: "sw-muted" });
  sc.listen(add, "click", () => {
    const shown = rowsOf(control, sc.model.get("values"));
    if (control.max_items && shown.length >= control.max_items) return;
    const id = shown.length ? shown[shown.length - 1][0] + 1 : 0;
    sc.setValues({ [`${control.name}.${id}.type`]: kind.value });
  });
  const bar = h("div", { class: "sw-items-add" }, [labelled("New item type", kind, "sw-pb-field"), add, full]);
  const note = control.takes_prompt ? "The prompt box is sent first, as a text item; these items follow it." : "";
  const title = control.label + (control.required ? " *" : "");
  const noteNode = h("div", { class: "sw-muted", text: note });
  noteNode.hidden = !note;
  const node = h("fieldset", { class: "sw-items" }, [h("legend", { text: title }), noteNode, rows, bar]);
  // Rows drawn so far, by "id:type:n": a row whose id, type and place are unchanged is kept as it
  // is (its file input, focus and caret with it); only new, renumbered or moved rows are drawn.
  let drawn = new Map();
  let painters = [];
  const redraw = (ids) => {
    for (const key of [...drawn.keys()]) if (ids.includes(Number(key.split(":")[0]))) drawn.delete(key);
  };
  const paint = (_value, values) => {
    const now = rowsOf(control, values);
    const next = new Map();
    painters = [];
    for (const [i, [id, type]] of now.entries()) {
      const key = `${id}:${type}:${i + 1}`;
      const row = drawn.get(key) || buildRow(sc, control, id, type, i + 1, redraw);
      row[2](now.length);
      next.set(key, row);
      painters.push(...row[1]);
    }
    drawn = next;
    placeRows(rows, [...next.values()].map(([row]) => row), node);
    full.textContent = control.max_items && now.length >= control.max_items ? `at most ${control.max_items} items` : "";
    setUnavailable(add, Boolean(control.max_items && now.length >= control.max_items));
    const active = activeIn(node);
    for (const [name, painter] of painters) {
      const field = rows.querySelector(`[data-name="${CSS.escape(name)}"]`);
      if (field && field.contains(active) && active.tagName !== "SELECT") continue;
      painter(values[name]);
    }
  };
  return [node, paint];
}
