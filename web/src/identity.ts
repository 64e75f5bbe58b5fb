/**
 * The guest identity: a display name and a player token from POST /api/guest,
 * kept in localStorage so a reload (or the next match) plays as the same
 * player. A token is never put in a URL; the SDK trades it for single-use
 * join tickets.
 */
import { httpAnswers } from "../../src/protocol/http-answers";
import { api, type Guest } from "./api";
import { h } from "./dom";

const GUEST_KEY = "edgeroom:guest";
const NAME_KEY = "edgeroom:name";
/** Renew a little before the token expires, so a connection attempt never presents an expired one. */
const EXPIRY_MARGIN_MS = 60_000;

export const NAME_MAX = 32;

/** Trimmed name, or an error in words. Mirrors the server's rule (1–32 printable characters). */
export function checkName(raw: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, message: "Enter a name (1 to 32 characters)." };
  if ([...name].length > NAME_MAX) return { ok: false, message: `Names are at most ${NAME_MAX} characters.` };
  if (/\p{C}/u.test(name)) return { ok: false, message: "Names cannot contain control characters." };
  return { ok: true, name };
}

function read(): Guest | null {
  try {
    const raw = localStorage.getItem(GUEST_KEY);
    if (!raw) return null;
    // Checked like the server's answer it was saved from: storage is as untrusted as the network.
    const g = httpAnswers().GuestResponse.safeParse(JSON.parse(raw));
    return g.success ? g.data : null;
  } catch {
    return null;
  }
}

function write(g: Guest): void {
  try {
    localStorage.setItem(GUEST_KEY, JSON.stringify(g));
    localStorage.setItem(NAME_KEY, g.name);
  } catch {
    // Private mode or quota: the identity lasts for this page only.
  }
}

/** The last name used on this device, for pre-filling forms. */
export function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? read()?.name ?? "";
  } catch {
    return "";
  }
}

/** The stored guest if its token is still valid. */
export function currentGuest(): Guest | null {
  const g = read();
  return g && g.expiresAt - EXPIRY_MARGIN_MS > Date.now() ? g : null;
}

let memory: Guest | null = null;

/**
 * The guest for `name`: the stored one when it has that name and a valid
 * token, else a new guest identity from the server (a new player id).
 */
export async function guestNamed(name: string): Promise<Guest> {
  const g = currentGuest() ?? memory;
  if (g && g.name === name && g.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return g;
  const fresh = await api.guest(name);
  memory = fresh;
  write(fresh);
  return fresh;
}

/**
 * The SDK's `getToken`: the stored token, renewed under the same name when
 * it is about to expire (a renewed token is a new player id, so it only
 * helps for matches joined after).
 */
export function tokenProvider(): () => Promise<string> {
  return async () => {
    const g = currentGuest() ?? memory;
    if (g && g.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return g.token;
    const name = checkName(rememberedName());
    return (await guestNamed(name.ok ? name.name : "Guest")).token;
  };
}

/**
 * Resolve with a guest, asking for a name first when this device has none
 * (someone who opened a share link before ever visiting the lobby).
 */
export function requireGuest(container: HTMLElement, purpose: string): Promise<Guest> {
  const existing = currentGuest();
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve) => {
    const input = h("input", { id: "guest-name", name: "name", type: "text", maxlength: NAME_MAX, autocomplete: "nickname", required: true, value: rememberedName() });
    const error = h("p", { class: "form-error", role: "alert" });
    const button = h("button", { type: "submit", class: "primary" }, "Join");
    const form = h(
      "form",
      { class: "card name-form", "aria-labelledby": "guest-title" },
      h("h2", { id: "guest-title" }, "Choose a name"),
      h("p", {}, purpose),
      h("label", { for: "guest-name" }, "Your name"),
      input,
      error,
      button,
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const checked = checkName(input.value);
      if (!checked.ok) {
        error.textContent = checked.message;
        input.focus();
        return;
      }
      button.disabled = true;
      error.textContent = "";
      guestNamed(checked.name).then(
        (g) => {
          form.remove();
          resolve(g);
        },
        (err: unknown) => {
          button.disabled = false;
          error.textContent = err instanceof Error ? err.message : String(err);
        },
      );
    });
    container.append(form);
    input.focus();
  });
}
