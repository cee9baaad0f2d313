// A tiny element builder. Text always goes in as text nodes, never as HTML, so
// what a person typed cannot become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);

  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') el.className = value;
    else if (name === 'testid') el.dataset.testid = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'value' || (name in el && typeof value !== 'string')) {
      el[name] = value;
    } else el.setAttribute(name, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Add `children` at the end of `el`, skipping null, undefined and false (the
 * DOM's own `append` would write them as the words "null" and "undefined").
 */
export function addChildren(el, ...children) {
  append(el, children);
  return el;
}

/** Replace everything inside `el` with `children`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;

/** A unique id for pairing labels with their controls. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
