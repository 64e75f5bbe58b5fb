/**
 * The room as the client has applied it: welcome and update frames in,
 * 'welcome', 'update' and 'critical' events out, strictly in seq order
 * (ordering.ts decides), plus the resume data for the next connection.
 *
 * On a resumed welcome the replayed updates are emitted first (source
 * "replay"), then 'welcome', so a listener on 'update' alone sees every seq
 * exactly once, in order. Critical updates are announced once per client
 * and acknowledged every time the room delivers them (it re-delivers until
 * it hears an ackCritical).
 */
import type { GameEventSchema, RoomSnapshot, UpdateFrame, WelcomeFrame } from "../protocol/schemas";
import type * as z from "zod";
import type { ClientEvents } from "./client-types";
import type { Emitter } from "./emitter";
import { UpdateOrdering, type OfferResult, type WelcomePlan } from "./ordering";
import type { ResumeParams } from "./ticket";

/** Critical seqs remembered so 'critical' fires once per client even when re-delivered. */
const CRITICAL_MEMORY = 256;

type Events = readonly z.infer<typeof GameEventSchema>[];

export class RoomFeed {
  private readonly ordering = new UpdateOrdering();
  private readonly criticalSeen: number[] = [];
  private session: string | null = null;
  private latestRoom: RoomSnapshot | null = null;
  private lastWelcome: WelcomeFrame | null = null;

  constructor(
    private readonly emitter: Emitter<ClientEvents>,
    private readonly ackCritical: (seq: number) => void,
  ) {}

  get room(): RoomSnapshot | null {
    return this.latestRoom;
  }
  get welcome(): WelcomeFrame | null {
    return this.lastWelcome;
  }
  get lastSeq(): number | null {
    return this.ordering.lastSeq;
  }

  /** What to present when reconnecting, or null for a fresh join. */
  resumeParams(): ResumeParams | null {
    const lastSeq = this.ordering.lastSeq;
    return this.session !== null && lastSeq !== null ? { session: this.session, lastSeq } : null;
  }

  /** The room rejected our resume data (4010): the next join is fresh. */
  dropSession(): void {
    this.session = null;
    this.ordering.reset();
  }

  /** Take in a welcome (state only; `announceWelcome` emits). */
  applyWelcome(w: WelcomeFrame): WelcomePlan {
    this.session = w.session;
    this.lastWelcome = w;
    this.latestRoom = w.room;
    return this.ordering.welcome(w);
  }

  announceWelcome(w: WelcomeFrame, plan: WelcomePlan): void {
    const critical = new Set(w.critical.map((e) => e.seq));
    if (plan.kind === "replayed") {
      const last = plan.entries.length - 1;
      plan.entries.forEach((e, i) => {
        this.emitter.emit("update", { seq: e.seq, events: e.events, critical: critical.has(e.seq), source: "replay", room: i === last ? w.room : null });
      });
    }
    this.emitter.emit("welcome", { frame: w, plan });
    for (const e of w.critical) this.critical(e.seq, e.events);
  }

  /** Offer one live update; applied ones are emitted (and acknowledged when critical). */
  update(u: UpdateFrame): OfferResult {
    const r = this.ordering.offer(u.seq);
    if (r.kind !== "apply") return r;
    this.latestRoom = u.room;
    this.emitter.emit("update", { seq: u.seq, events: u.events, critical: u.critical, source: "live", room: u.room });
    if (u.critical) this.critical(u.seq, u.events);
    return r;
  }

  private critical(seq: number, events: Events): void {
    if (!this.criticalSeen.includes(seq)) {
      this.criticalSeen.push(seq);
      if (this.criticalSeen.length > CRITICAL_MEMORY) this.criticalSeen.shift();
      this.emitter.emit("critical", { seq, events });
    }
    // Acknowledge even a repeat: the room re-delivers until it hears from us.
    this.ackCritical(seq);
  }
}
