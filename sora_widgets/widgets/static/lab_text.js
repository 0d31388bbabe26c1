// PromptLab's text helpers, a part of prompt_lab.js: the {slot} names of a template, the
// non-empty lines of a box, a debounced save, the kernel's timeline SVG and its downloads.

import { bufferUrl, h } from "./_dom.js";

export const SLOT_RE = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function slotNames(template) {
  const names = [];
  for (const match of template.matchAll(SLOT_RE)) {
    if (match[1] && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

export function lines(text) {
  return text
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// The kernel's SVG is parsed as XML (never innerHTML) and only SVG drawing elements are kept:
// labels are escaped there, and nothing that runs (script, handlers, links) is let through.
export const SVG_NS = "http://www.w3.org/2000/svg";
export const SVG_TAGS = new Set(["svg", "title", "style", "text", "tspan", "rect", "g", "line"]);
export function cleanSvg(node) {
  for (const child of [...node.children]) {
    if (child.namespaceURI !== SVG_NS || !SVG_TAGS.has(child.localName)) child.remove();
    else cleanSvg(child);
  }
  for (const attr of [...node.attributes]) {
    if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
  }
}

export function drawTimeline(model, timelineBox, timelineImg) {
  const text = model.get("timeline");
  timelineBox.hidden = !text;
  if (!text) {
    timelineImg.replaceChildren();
    return;
  }
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.namespaceURI !== SVG_NS || svg.localName !== "svg") return;
  cleanSvg(svg);
  timelineImg.replaceChildren(document.importNode(svg, true));
}

export function download(wrap, msg, buffers) {
  // The file the kernel made (lab.to_csv() / lab.to_json()), saved by the browser.
  const url = bufferUrl(buffers[0], msg.mime || "text/plain");
  const link = h("a", { href: url, download: String(msg.name || "prompt-lab.txt") });
  link.hidden = true;
  wrap.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
