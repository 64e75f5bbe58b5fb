/**
 * Provable fairness, as a player sees it: the commitment published when the
 * round started (matchStarted, or the room snapshot when the page joined
 * later) and, once it ends, whether the revealed seed and salt open it
 * (verifyReveal). The commitment kept is the one seen at the start, never the
 * copy inside the reveal.
 */
import type { GameEvent } from "../../src/client/internal";
import type { RoomSnapshot } from "../../src/protocol/schemas";
import { verifyReveal } from "../../src/protocol/fairness";
import { revealedRound } from "./api";
import { h } from "./dom";

export interface Reveal {
  readonly seed: number;
  readonly salt: string;
}

export type FairnessVerdict =
  | { readonly kind: "pending"; readonly commitment: string | null }
  | { readonly kind: "verified" | "mismatch"; readonly commitment: string; readonly reveal: Reveal }
  | { readonly kind: "unknown"; readonly commitment: string | null };

export class FairnessTracker {
  private readonly commitments = new Map<number, string>();
  private readonly reveals = new Map<number, Reveal>();
  private readonly fetching = new Set<number>();

  constructor(
    private readonly matchId: string,
    private readonly onChange: () => void,
  ) {}

  /** Take what a room snapshot says (the commitment of the current round, if not seen at its start). */
  observeRoom(room: RoomSnapshot): void {
    if (room.round > 0 && room.commitment && !this.commitments.has(room.round)) this.commitments.set(room.round, room.commitment);
    // Joined (or reloaded) after the end: the reveal is in the replay document.
    if ((room.status === "finished" || room.status === "closed") && room.round > 0 && !this.reveals.has(room.round)) this.fetchReveal(room.round);
  }

  observeEvents(events: readonly GameEvent[], round: number): void {
    for (const e of events) {
      if (e.type === "matchStarted" && typeof e["commitment"] === "string" && typeof e["round"] === "number") {
        this.commitments.set(e["round"], e["commitment"]);
      }
      if (e.type === "matchEnded") {
        const r = typeof e["round"] === "number" ? e["round"] : round;
        const reveal = e["reveal"];
        if (typeof reveal === "object" && reveal !== null && "seed" in reveal && "salt" in reveal && typeof reveal.seed === "number" && typeof reveal.salt === "string") {
          this.reveals.set(r, { seed: reveal.seed, salt: reveal.salt });
        }
      }
    }
    this.onChange();
  }

  verdict(round: number): FairnessVerdict {
    const commitment = this.commitments.get(round) ?? null;
    const reveal = this.reveals.get(round);
    if (!reveal) return { kind: this.fetching.has(round) || commitment !== null ? "pending" : "unknown", commitment };
    if (commitment === null) return { kind: "unknown", commitment };
    return { kind: verifyReveal(commitment, reveal.seed, reveal.salt) ? "verified" : "mismatch", commitment, reveal };
  }

  private fetchReveal(round: number): void {
    if (this.fetching.has(round)) return;
    this.fetching.add(round);
    revealedRound(this.matchId, round).then(
      (r) => {
        if (r && !this.reveals.has(round)) this.reveals.set(round, { seed: r.seed, salt: r.salt });
        this.onChange();
      },
      () => undefined,
    );
  }
}

function short(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex;
}

/** Render a verdict into a panel (a <section> with a heading). */
export function renderFairness(host: HTMLElement, v: FairnessVerdict, over: boolean): void {
  // Re-rendered often by the pages: only touch the DOM when something changed (keeps text selectable).
  const key = JSON.stringify([v, over]);
  if (host.dataset["rendered"] === key) return;
  host.dataset["rendered"] = key;
  const commitmentLine = v.commitment
    ? h("p", {}, "Commitment published at the start: ", h("code", { class: "hash", title: v.commitment }, short(v.commitment)))
    : h("p", {}, "No commitment was seen for this round.");
  let verdict: HTMLElement;
  if (v.kind === "verified") {
    verdict = h(
      "p",
      { class: "verdict ok", "data-verdict": "verified" },
      h("span", { "aria-hidden": "true" }, "✔ "),
      `Verified: the revealed seed ${v.reveal.seed} and salt `,
      h("code", { class: "hash", title: v.reveal.salt }, short(v.reveal.salt)),
      " match the commitment, so the course was fixed before the round started.",
    );
  } else if (v.kind === "mismatch") {
    verdict = h(
      "p",
      { class: "verdict bad", "data-verdict": "mismatch" },
      h("span", { "aria-hidden": "true" }, "✘ "),
      `Mismatch: the revealed seed ${v.reveal.seed} and salt do not match the commitment published at the start.`,
    );
  } else if (over) {
    verdict = h("p", { class: "verdict", "data-verdict": v.kind }, "Waiting for the reveal…");
  } else {
    verdict = h("p", { class: "verdict", "data-verdict": "pending" }, "The seed and salt are revealed when the round ends, so anyone can check them against this commitment.");
  }
  const heading = host.querySelector("h3") ?? h("h3", {}, "Fairness check");
  host.replaceChildren(heading, commitmentLine, verdict);
}

