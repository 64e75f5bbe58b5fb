/** Tiny DOM helpers shared by the pages: element lookup, creation, and text updates that do not re-announce. */

/** The element with this id; throws when the page markup lacks it (a build mistake, not a runtime condition). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page markup has no #${id}`);
  return el as T;
}

type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Create an element with attributes (false/null/undefined are skipped, true sets an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...children);
  return el;
}

/**
 * Set an element's text only when it changed, so aria-live regions announce
 * real changes and not every re-render.
 */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}
