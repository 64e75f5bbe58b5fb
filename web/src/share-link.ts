/** A share link with a copy button (and a words-only confirmation for screen readers). */
import { h } from "./dom";

let counter = 0;

export function shareLink(url: string, label: string): HTMLElement {
  const id = `share-${++counter}`;
  const input = h("input", { id, type: "text", readonly: true, value: url, class: "share-url", spellcheck: "false" });
  const copied = h("span", { class: "copy-status", role: "status" });
  const button = h("button", { type: "button", class: "copy" }, "Copy link");
  button.addEventListener("click", () => {
    void copyText(url, input).then((ok) => {
      copied.textContent = ok ? "Link copied." : "Could not copy: select the link and copy it by hand.";
    });
  });
  input.addEventListener("focus", () => input.select());
  return h("div", { class: "share" }, h("label", { for: id }, label), h("div", { class: "share-row" }, input, button), copied);
}

async function copyText(text: string, input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (insecure origin, permission): fall back to the selection.
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}
