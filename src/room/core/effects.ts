/** What the I/O-free room core asks its host to do, drained after every call. */
import type { JournalEntry, ServerFrame } from "../../protocol";
import type { ActionEntry } from "./record";

export interface LogEntry {
  readonly event: string;
  readonly level: "info" | "warn" | "error";
  readonly [field: string]: unknown;
}

export interface Effects {
  /** Binary frames to send, in order: frames to encode, or bytes already encoded (the same bytes may go to many connections). */
  frames: { conn: string; frame: ServerFrame | Uint8Array }[];
  /** Text frames to send (only the heartbeat "pong"). */
  texts: { conn: string; text: string }[];
  /** Sockets to close, after the frames above are sent. */
  closes: { conn: string; code: number; reason: string }[];
  /** Structured log lines. */
  logs: LogEntry[];
  /** Entries to append to the action log, in the same write as the record. */
  actions: ActionEntry[];
  /** Updates to append to the journal, in the same write as the record. */
  journal: JournalEntry[];
  /** The record changed: write it (with `actions`) before sending anything. */
  persist: boolean;
  /** The retention deadline passed: archive the replay, then delete the room's storage (after `persist`). */
  retire: boolean;
}

export function emptyEffects(): Effects {
  return { frames: [], texts: [], closes: [], logs: [], actions: [], journal: [], persist: false, retire: false };
}
