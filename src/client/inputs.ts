/**
 * Inputs as the game sees them: the outbox plus one Promise per input that
 * resolves when the room settles it. Promises always resolve (never reject)
 * with an InputOutcome; see client.ts for why.
 */
import { decodeClientFrame, encodeFrame } from "../protocol/codec";
import { MAX_INPUT_ID } from "../protocol/limits";
import type { AckFrame, ClientFrame, ErrorFrame, GameErrorFrame } from "../protocol/schemas";
import type { InputOutcome } from "./client-types";
import { Outbox, type OutboxCommand, type OutboxEntry, type OutboxOptions } from "./outbox";

export class InputTracker {
  readonly outbox: Outbox;
  private readonly resolvers = new Map<number, (outcome: InputOutcome) => void>();

  constructor(options: OutboxOptions) {
    this.outbox = new Outbox(options);
  }

  /**
   * Queue a command. `floor` is the current connection's welcome.lastInputId
   * when one is welcomed (the entry then gets its id at once and is returned
   * for sending), or null while offline (it is sent after the next welcome).
   */
  submit(command: OutboxCommand, floor: number | null): { promise: Promise<InputOutcome>; sendNow: OutboxEntry | null } {
    const unsendable = InputTracker.check(command);
    if (unsendable) return { promise: Promise.resolve({ ok: false, kind: "invalid", id: null, ...unsendable, command }), sendNow: null };
    const pushed = this.outbox.push(command);
    if (!pushed.ok) {
      const outcome: InputOutcome = { ok: false, kind: "outboxFull", id: null, code: pushed.code, message: pushed.message, command };
      return { promise: Promise.resolve(outcome), sendNow: null };
    }
    const key = pushed.entry.key;
    const promise = new Promise<InputOutcome>((resolve) => this.resolvers.set(key, resolve));
    const sendNow = floor === null ? null : (this.outbox.assignIds(floor).find((e) => e.key === key) ?? null);
    return { promise, sendNow };
  }

  /** Everything unsettled, in push order, with ids assigned above `floor` (to re-send after a welcome). */
  resendList(floor: number): readonly OutboxEntry[] {
    return this.outbox.assignIds(floor);
  }

  /**
   * Settle the input a frame names, once: an ack, a gameError, or an error
   * frame carrying the id. Returns the outcome, or null when that id was not
   * pending (a stray or repeated settle, e.g. a second dup ack).
   */
  settleFrame(frame: AckFrame | GameErrorFrame | (ErrorFrame & { id: number })): InputOutcome | null {
    if (frame.t === "ack" && frame.tick !== undefined) {
      // Real-time admission: the one answer (the promise resolves), but the entry stays until `snap.dur` covers it.
      const admitted = this.outbox.admit(frame.id);
      if (!admitted) return null;
      const outcome: InputOutcome = { ok: true, kind: "ack", id: frame.id, seq: frame.seq, tick: frame.tick, dup: frame.dup, command: admitted.command };
      this.resolve(admitted.key, outcome);
      return outcome;
    }
    // A gameError for an admitted entry (ROUND_ENDED: its round ended before its tick) is a second notice: the promise already resolved.
    const entry = this.outbox.settle(frame.id);
    if (!entry) return null;
    const { command } = entry;
    const outcome: InputOutcome =
      frame.t === "ack"
        ? { ok: true, kind: "ack", id: frame.id, seq: frame.seq, dup: frame.dup, command }
        : frame.t === "gameError"
          ? { ok: false, kind: "gameError", id: frame.id, code: frame.code, message: frame.message, dup: frame.dup, command }
          : { ok: false, kind: "invalid", id: frame.id, code: frame.code, message: frame.message, command };
    this.resolve(entry.key, outcome);
    return outcome;
  }

  /** `snap.dur`: admitted inputs up to this id are applied and durable; forget them. */
  durable(through: number): readonly OutboxEntry[] {
    return this.outbox.forgetDurable(through);
  }

  /** The client closed for good: resolve every waiting promise as "closed" (entries stay in the store). */
  closeAll(why: string): void {
    for (const e of this.outbox.pendingInOrder()) this.resolve(e.key, closedOutcome(e.id, e.command, why));
    this.resolvers.clear();
  }

  /**
   * Checks a command the way the room will (size cap, bounded msgpack, frame schema) with the largest
   * possible id. The room answers a frame it cannot read with an id-less error, which could never settle
   * the input, and every resume would re-send it: such an input is refused here, before it is queued.
   */
  static check(command: OutboxCommand): { code: string; message: string } | null {
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(Outbox.frame({ command, id: MAX_INPUT_ID }));
    } catch (err) {
      return { code: "MALFORMED_FRAME", message: `This input cannot be encoded: ${err instanceof Error ? err.message : String(err)}` };
    }
    const decoded = decodeClientFrame(bytes);
    return decoded.ok ? null : { code: decoded.code, message: decoded.message };
  }

  static frame(entry: Pick<OutboxEntry, "key" | "id" | "command">): ClientFrame | null {
    const id = entry.id;
    return id === null ? null : Outbox.frame({ ...entry, id });
  }

  private resolve(key: number, outcome: InputOutcome): void {
    const resolve = this.resolvers.get(key);
    this.resolvers.delete(key);
    resolve?.(outcome);
  }
}

export function closedOutcome(id: number | null, command: OutboxCommand, why: string): InputOutcome {
  return { ok: false, kind: "closed", id, code: "CLIENT_CLOSED", message: `The client closed (${why}) before the room settled this input.`, command };
}
