/**
 * Inputs the server has not settled yet, in push order.
 *
 * Real-time games answer an input when it is admitted (`ack` with the tick it
 * is scheduled for) and confirm it durable later, in `snap.dur`: an admitted
 * entry stays here (`admitted`) until a snapshot's ack covers it, and is
 * re-sent after a reconnect like any other (the room answers it `dup` if it
 * still has it, or admits it afresh if a crash lost it).
 *
 * Every input gets exactly one settle from the room (ack, gameError, or an
 * error frame naming its id). Until then it stays here and is re-sent after
 * every (re)connect; the room re-acknowledges ids it already processed
 * (dup: true) with the original outcome and never applies them twice. That is
 * why there is deliberately no `dropThrough(lastInputId)`: knowing the room
 * processed an id does not tell us whether it was accepted or rejected, so
 * the dup ack is what settles it.
 *
 * Ids are assigned when an entry is first handed to a connection that has
 * received a welcome, as max(last id used, welcome.lastInputId) + 1. An input
 * queued offline on a fresh page (counter at 0) therefore never reuses an id
 * the room already processed for this seat, which would be silently
 * "re-acknowledged" instead of applied.
 *
 * Two bounds. Inputs not yet answered: at most `capacity` (default 32, the
 * number of recent outcomes the room keeps per seat, RECENT_OUTCOMES): beyond
 * that, a re-sent id could get an ack whose original outcome the room no
 * longer knows. Real-time inputs answered (admitted) and waiting for
 * `snap.dur`: at most ADMITTED_CAPACITY more. Their outcome is known already,
 * so the room's window does not bound them; the room writes at least every
 * 5 s or 16 applied inputs of a seat (protocol §8.3), so 64 covers a full
 * checkpoint span plus inputs stamped ahead, and a player who keeps pressing
 * through a reconnect is refused only when the link stays down for seconds.
 */
import * as z from "zod";
import { RECENT_OUTCOMES } from "../protocol/limits";
import type { ClientFrame } from "../protocol/schemas";
import type { KeyValueStore } from "./store";

export type OutboxCommand = { readonly t: "input"; readonly data: unknown } | { readonly t: "rematch" } | { readonly t: "resign" };

export interface OutboxEntry {
  /** Local handle, stable for the life of this outbox (ids can be assigned later). */
  readonly key: number;
  /** Wire id, or null until first handed to a welcomed connection. */
  readonly id: number | null;
  readonly command: OutboxCommand;
  /** Real-time games: the room admitted it (answered) and it waits for `snap.dur` to cover it. */
  readonly admitted: boolean;
}

export type PushResult =
  | { readonly ok: true; readonly entry: OutboxEntry }
  | { readonly ok: false; readonly code: "OUTBOX_FULL"; readonly message: string; readonly capacity: number };

export interface OutboxOptions {
  /** Most unanswered inputs at once, 1…32. Default 32 (admitted real-time inputs waiting for `snap.dur` are bounded apart, by ADMITTED_CAPACITY). */
  capacity?: number;
  store?: KeyValueStore | null;
  /** Key under which this match's outbox is stored. */
  key?: string;
  /** Called when the store throws; the outbox keeps working in memory. */
  onStoreError?: (error: unknown) => void;
}

export const DEFAULT_OUTBOX_CAPACITY = RECENT_OUTCOMES;
/** Real-time inputs admitted and waiting for `snap.dur`, on top of the unanswered ones. */
export const ADMITTED_CAPACITY = 64;

const Command = z.discriminatedUnion("t", [
  // `data` is opaque game input and came out of JSON.parse, so it is JSON by construction. It is kept as
  // parsed rather than rebuilt by a schema, which would silently drop keys such as "__proto__".
  z.object({ t: z.literal("input"), data: z.unknown() }),
  z.object({ t: z.literal("rematch") }),
  z.object({ t: z.literal("resign") }),
]);

/** What is persisted. Checked on load: a tampered or stale blob is discarded, never trusted. */
const Persisted = z
  .object({
    v: z.literal(1),
    owner: z.string().nullable(),
    lastId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    entries: z.array(z.object({ id: z.number().int().min(1).nullable(), command: Command })).max(1024),
  })
  .check((ctx) => {
    // Assigned ids must be a strictly increasing prefix, none above lastId.
    let prev = 0;
    let unassignedSeen = false;
    for (const e of ctx.value.entries) {
      if (e.id === null) {
        unassignedSeen = true;
        continue;
      }
      if (unassignedSeen || e.id <= prev || e.id > ctx.value.lastId) {
        ctx.issues.push({ code: "custom", message: "outbox ids out of order", input: ctx.value });
        return;
      }
      prev = e.id;
    }
  });

interface MutableEntry {
  key: number;
  id: number | null;
  command: OutboxCommand;
  /** Loaded from the store (not pushed by this instance): only these can belong to another player. */
  fromStore: boolean;
  /** Answered by an admission ack; kept until durable (in memory only: after a reload it is re-sent and re-answered). */
  admitted: boolean;
}

export class Outbox {
  readonly capacity: number;
  /** Why persisted data was discarded on load, if it was. */
  readonly loadError: string | null = null;
  private entries: MutableEntry[] = [];
  private last = 0;
  private owner: string | null = null;
  private nextKey = 1;

  constructor(private readonly opts: OutboxOptions = {}) {
    const capacity = opts.capacity ?? DEFAULT_OUTBOX_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > RECENT_OUTCOMES) {
      throw new RangeError(`Outbox capacity must be an integer in 1…${RECENT_OUTCOMES} (the room remembers ${RECENT_OUTCOMES} outcomes per seat); got ${capacity}.`);
    }
    this.capacity = capacity;
    this.loadError = this.load();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Highest id ever assigned (persisted, so ids keep increasing across reloads). */
  get lastId(): number {
    return this.last;
  }

  /** Queue a command. Full means full: the caller gets OUTBOX_FULL to show, nothing is dropped. */
  push(command: OutboxCommand): PushResult {
    const admitted = this.entries.reduce((n, e) => n + (e.admitted ? 1 : 0), 0);
    const unanswered = this.entries.length - admitted;
    if (unanswered >= this.capacity) {
      return {
        ok: false,
        code: "OUTBOX_FULL",
        message: `${unanswered} inputs are still waiting for the server's answer; wait for them to settle before sending more.`,
        capacity: this.capacity,
      };
    }
    if (admitted >= ADMITTED_CAPACITY) {
      return {
        ok: false,
        code: "OUTBOX_FULL",
        message: `${admitted} admitted inputs are still waiting for the server to confirm them durable; wait for them to settle before sending more.`,
        capacity: ADMITTED_CAPACITY,
      };
    }
    const entry: MutableEntry = { key: this.nextKey++, id: null, command, fromStore: false, admitted: false };
    this.entries.push(entry);
    this.save();
    return { ok: true, entry: view(entry) };
  }

  /**
   * Give ids to entries that have none, above both our counter and the
   * room's `lastInputId` for this seat, and return every pending entry in push
   * order (what to send on a freshly welcomed connection).
   */
  assignIds(serverLastInputId: number): readonly OutboxEntry[] {
    // Persist a raised counter even when nothing needed an id, so a reload keeps the floor.
    let changed = serverLastInputId > this.last;
    this.last = Math.max(this.last, serverLastInputId);
    for (const e of this.entries) {
      if (e.id === null) {
        e.id = ++this.last;
        changed = true;
      }
    }
    if (changed) this.save();
    return this.pendingInOrder();
  }

  /** Settle an id once. Returns the entry, or null when the id is not pending (unknown or already settled). */
  settle(id: number): OutboxEntry | null {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return null;
    const [entry] = this.entries.splice(i, 1);
    this.save();
    return entry ? view(entry) : null;
  }

  /**
   * A real-time admission ack: the entry is answered but kept until durable. Returns the entry when this is
   * its first answer, null when the id is not pending or was already admitted (a `dup` re-answer).
   */
  admit(id: number): OutboxEntry | null {
    const e = this.entries.find((x) => x.id === id);
    if (!e || e.admitted) return null;
    e.admitted = true;
    return view(e);
  }

  /** `snap.dur`: forget every admitted entry with an id at or below it (applied and durable). Unanswered ones wait for their answer. */
  forgetDurable(through: number): readonly OutboxEntry[] {
    const gone = this.entries.filter((e) => e.admitted && e.id !== null && e.id <= through);
    if (gone.length === 0) return [];
    this.entries = this.entries.filter((e) => !gone.includes(e));
    this.save();
    return gone.map(view);
  }

  pendingInOrder(): readonly OutboxEntry[] {
    return this.entries.map(view);
  }

  /** Forget every entry and the stored copy (the match is gone: nothing can settle them any more). */
  discard(): readonly OutboxEntry[] {
    const dropped = this.entries.map(view);
    this.entries = [];
    const { store, key } = this.opts;
    try {
      if (store && key) store.remove(key);
    } catch (err) {
      this.opts.onStoreError?.(err);
    }
    return dropped;
  }

  /**
   * Bind the persisted outbox to the player the room says we are. Entries
   * stored by a different player (another account in the same browser) are
   * dropped and returned, never sent under the wrong identity.
   */
  adoptOwner(playerId: string): readonly OutboxEntry[] {
    if (this.owner === playerId) return [];
    let dropped: OutboxEntry[] = [];
    if (this.owner !== null) {
      // Inputs pushed on this page are the current player's; only stored ones can be foreign.
      dropped = this.entries.filter((e) => e.fromStore).map(view);
      this.entries = this.entries.filter((e) => !e.fromStore);
      this.last = 0;
    }
    this.owner = playerId;
    this.save();
    return dropped;
  }

  /** The wire frame for an entry with an id. */
  static frame(entry: Pick<OutboxEntry, "command"> & { id: number }): Extract<ClientFrame, { id: number }> {
    const c = entry.command;
    return c.t === "input" ? { t: "input", id: entry.id, data: c.data } : { t: c.t, id: entry.id };
  }

  private load(): string | null {
    const { store, key } = this.opts;
    if (!store || !key) return null;
    let text: string | null;
    try {
      text = store.get(key);
    } catch (err) {
      this.opts.onStoreError?.(err);
      return `store read failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return "persisted outbox is not JSON";
    }
    const parsed = Persisted.safeParse(raw);
    if (!parsed.success) return `persisted outbox is invalid: ${parsed.error.issues[0]?.message ?? "invalid"}`;
    this.owner = parsed.data.owner;
    this.last = parsed.data.lastId;
    this.entries = parsed.data.entries.map((e) => ({ key: this.nextKey++, id: e.id, command: toCommand(e.command), fromStore: true, admitted: false }));
    return null;
  }

  private save(): void {
    const { store, key } = this.opts;
    if (!store || !key) return;
    const doc = { v: 1, owner: this.owner, lastId: this.last, entries: this.entries.map((e) => ({ id: e.id, command: e.command })) };
    try {
      store.set(key, JSON.stringify(doc));
    } catch (err) {
      this.opts.onStoreError?.(err);
    }
  }
}

function view(e: MutableEntry): OutboxEntry {
  return { key: e.key, id: e.id, command: e.command, admitted: e.admitted };
}

/** zod types an unknown field as optional; an input always has its data key (even if undefined). */
function toCommand(c: z.infer<typeof Command>): OutboxCommand {
  return c.t === "input" ? { t: "input", data: c.data } : c;
}
