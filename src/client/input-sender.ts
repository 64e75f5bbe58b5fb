/** Inputs from submit to settlement: sent on the current link, held and re-sent after RATE_LIMITED (see rate-limit.ts), closed out. */
import { CloseCode } from "../protocol/codes";
import type { WelcomeFrame } from "../protocol/schemas";
import type { ClientEvents, ClientStats, InputOutcome } from "./client-types";
import type { ClosedReason } from "./connection-state";
import type { Emitter } from "./emitter";
import { InputTracker } from "./inputs";
import type { Link } from "./link";
import type { OutboxCommand, OutboxEntry } from "./outbox";
import { RateLimitHold, rateLimitBackoff } from "./rate-limit";

export class InputSender {
  /** Inputs the room refused for lack of budget on the current link (see rate-limit.ts). */
  private hold = new RateLimitHold();
  /** Whether the re-send of held inputs is scheduled on the current link. */
  private releaseScheduled = false;

  constructor(
    private readonly inputs: InputTracker,
    /** The client's current link (null between links). */
    private readonly current: () => Link | null,
    private readonly emitter: Emitter<ClientEvents>,
    private readonly stats: ClientStats,
  ) {}

  /** A new link starts without a hold. */
  reset(): void {
    this.hold = new RateLimitHold();
    this.releaseScheduled = false;
  }

  submit(command: OutboxCommand, floor: number | null): Promise<InputOutcome> {
    const { promise, sendNow } = this.inputs.submit(command, floor);
    const link = this.current();
    // While inputs are held after RATE_LIMITED, a new one waits for their re-send (it has a higher id, so it is part of it).
    if (sendNow && link && !this.hold.held) this.send(link, sendNow);
    return promise;
  }

  settle(frame: Parameters<InputTracker["settleFrame"]>[0]): void {
    const result = this.inputs.settleFrame(frame);
    if (result === null) {
      this.stats.straySettles += 1;
      return;
    }
    this.hold.settled(frame.id);
    if (result.kind === "ack") this.emitter.emit("ack", result);
    else if (result.kind === "gameError") this.emitter.emit("gameError", result);
  }

  /** A real-time snapshot's `ack`: admitted inputs up to it are durable and leave the outbox. */
  durable(through: number): void {
    const gone = this.inputs.durable(through);
    if (gone.length > 0) this.emitter.emit("durable", { through, ids: gone.flatMap((e) => (e.id === null ? [] : [e.id])) });
  }

  /**
   * The room refused a frame for lack of budget. With an id, that input and
   * every later one are held by the room until it comes again: keep them all
   * pending and re-send them in order once the budget has refilled. Without
   * one, a sync or ackCritical was dropped: nothing to re-send, but the
   * budget is spent.
   */
  onRateLimited(link: Link, id: number | null, w: WelcomeFrame | null): void {
    if (this.current() !== link || !w) return;
    // A refusal of a copy that a re-send has already replaced changes nothing.
    if (id !== null && !this.hold.refused(id)) return;
    for (const withdrawn of link.throttle()) this.hold.holdFrom(withdrawn);
    const from = this.hold.from;
    if (from === null || this.releaseScheduled) return;
    this.releaseScheduled = true;
    const count = this.inputs.outbox.pendingInOrder().filter((e) => e.id !== null && e.id >= from).length;
    link.schedule(() => this.releaseHold(link), rateLimitBackoff(w.limits, count, this.hold.rounds));
  }

  /** Re-send every held input, from the refused one on, in order. */
  private releaseHold(link: Link): void {
    if (this.current() !== link || link.isEnded) return;
    this.releaseScheduled = false;
    const from = this.hold.release();
    if (from === null) return;
    const entries = this.inputs.outbox.pendingInOrder().filter((e) => e.id !== null && e.id >= from);
    if (entries[0]?.id !== from) {
      // Only input `from` releases the room's hold, and it is not ours to send any more: a new connection starts without a hold.
      link.drop(CloseCode.NORMAL, `input ${from} is held by the rate limit but no longer pending`);
      return;
    }
    for (const entry of entries) this.send(link, entry);
  }

  /** The client closed for good: every unsettled input resolves as "closed". */
  closeAll(r: ClosedReason): void {
    // The match is gone: nothing can settle these any more, so do not keep them in storage.
    if (r.kind === "server" && (r.code === CloseCode.MATCH_CLOSED || r.code === CloseCode.MATCH_NOT_FOUND)) this.inputs.outbox.discard();
    this.inputs.closeAll(r.kind);
  }

  /** Send every unsettled input on `link` with ids above `floor` (a listener may have ended it meanwhile: then nothing is sent). */
  resendAll(link: Link, floor: number): void {
    if (link.isEnded || this.current() !== link) return;
    for (const entry of this.inputs.resendList(floor)) this.send(link, entry);
  }

  private send(link: Link, entry: OutboxEntry): void {
    const frame = InputTracker.frame(entry);
    const id = entry.id;
    if (!frame || id === null || this.current() !== link) return;
    const hold = this.hold;
    // Counted when the pacer actually lets it go, so a withdrawn frame is not a copy.
    link.send(() => {
      hold.sent(id);
      return frame;
    }, id);
  }
}
