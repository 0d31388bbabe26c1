// PromptLab's text helpers, a part of prompt_lab.js: the {slot} names of a template, the
// non-empty lines of a box, and a debounced save.

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
