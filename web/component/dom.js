// Small helpers the live parts share: elements made with text only, texts with placeholders.
//
// Every text that people typed goes in through node()'s textContent (or a text node): never
// as markup.

export function node(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// a translated text with {placeholders} filled in (the texts come from the page, web/../ui/live.py)
export function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

export function byPos(a, b) {
  return a.pos - b.pos;
}

// a long text cut to three lines on the board; a click (or Enter) shows it in full and back
const CLAMP_AT = 140;
export function clamped(text) {
  const e = node("span", null, text);
  if (String(text).length <= CLAMP_AT) return e;
  e.className = "kk-clamp";
  e.tabIndex = 0;
  e.setAttribute("role", "button");
  e.setAttribute("aria-expanded", "false");
  const toggle = () => {
    const open = e.classList.toggle("kk-open");
    e.setAttribute("aria-expanded", open ? "true" : "false");
  };
  e.addEventListener("click", toggle);
  e.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      toggle();
    }
  });
  return e;
}
