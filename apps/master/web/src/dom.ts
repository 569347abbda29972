/** DOM helpers that take text only: every string from the API goes in as text or an attribute, never as markup. */

const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attr = string | number | boolean | null | undefined;
export type Attrs = Record<string, Attr>;
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** The element of this id, which the page must have. */
export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
}

/** An HTML element: attributes by setAttribute (null, undefined and false are left out), children as text or nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, likewise. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(key, value === true ? '' : String(value));
  }
}

export function append(el: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string' || typeof child === 'number') el.append(document.createTextNode(String(child)));
    else if (child instanceof Node) el.append(child);
    else append(el, child);
  }
}

export function setText(id: string, text: string): void {
  $(id).textContent = text;
}

/** A click that the page handles itself: a plain left click (a modified one opens the link as the browser would). */
export function onPlainClick(el: HTMLElement, handler: () => void): void {
  el.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    handler();
  });
}
