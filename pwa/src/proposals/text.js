// Initiative and suggestion texts. The server renders the Markdown people
// wrote into safe HTML (raw HTML off, unsafe links dropped); only that `html`
// is ever shown as markup. It is still rebuilt here from an allowlist, so a
// bug on either side cannot run script in the page, and its headings are
// moved below the screen's own.
import { h } from '../ui/dom.js';

const KEEP = new Set([
  'P',
  'EM',
  'STRONG',
  'CODE',
  'PRE',
  'UL',
  'OL',
  'LI',
  'BLOCKQUOTE',
  'HR',
  'BR',
  'A',
]);
const HEADINGS = /^H([1-6])$/;
const SAFE_LINK = /^(https?:|mailto:|\/|#)/i;

function copyChildren(from, to, shift) {
  for (const node of from.childNodes) {
    const copied = copyNode(node, shift);
    if (copied) to.append(copied);
  }
  return to;
}

function copyNode(node, shift) {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const heading = HEADINGS.exec(node.tagName);
  if (heading) {
    const level = Math.min(6, Number(heading[1]) + shift);
    return copyChildren(node, document.createElement(`h${level}`), shift);
  }
  // Remote images would be refused by the CSP anyway; keep their words.
  if (node.tagName === 'IMG') return node.getAttribute('alt') ?? '';
  if (!KEEP.has(node.tagName)) {
    return copyChildren(node, document.createDocumentFragment(), shift);
  }
  const el = document.createElement(node.tagName.toLowerCase());
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (SAFE_LINK.test(href)) el.setAttribute('href', href);
    el.setAttribute('rel', 'nofollow noopener noreferrer');
    el.dataset.external = '';
  }
  if (node.tagName === 'OL' && node.hasAttribute('start')) {
    el.setAttribute('start', String(Number(node.getAttribute('start')) || 1));
  }
  return copyChildren(node, el, shift);
}

/**
 * The server's rendered `html` as nodes; `plain` (the Markdown source) is
 * shown as text only while the server has not rendered it yet (queued here).
 */
export function richText(html, { plain = '', headingShift = 2 } = {}) {
  const box = h('div', { class: 'rich', testid: 'rich-text' });
  if (typeof html !== 'string') {
    box.append(h('p', { class: 'rich__plain' }, plain));
    return box;
  }
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  return copyChildren(parsed.body, box, headingShift);
}
