/**
 * What the parts of the room core (admission, frame handling, timers, real-time play, the welcome and
 * the public status) may use of the room: its state to read and mutate, and one way out for what they
 * produce. They get this narrow interface, never the RoomCore class, so a frame walks one way: in
 * through RoomCore, down into a part, out through these calls into the drained Effects.
 */
import type { AnyGame, GameEvent } from "../../games/types";
import type { ServerFrame, SnapWriter } from "../../protocol";
import type { Connections, LiveConn } from "./connections";
import type { LogEntry } from "./effects";
import type { FixedStep } from "./fixed-step";
import type { Journal } from "./journal";
import type { Step } from "./lifecycle";
import type { ActionEntry, RoomRecord } from "./record";

export interface RoomState {
  readonly game: AnyGame;
  readonly record: RoomRecord;
  readonly conns: Connections;
  readonly journal: Journal;
  /** Real-time games: the fixed-step driver; null for turn-based games. */
  readonly rt: FixedStep | null;
  /** Counters for benchmarks and cost modelling. */
  readonly metrics: { steps: number; droppedSteps: number; messages: number };
  /** Real-time games: the snapshot encoder, shared by every connection (the last arrays broadcast). */
  readonly fanout: SnapshotSender;
  /** Real-time games: when the record is next written even if nothing else changed. */
  checkpointDueAt: number;
}

export interface RoomOutput {
  /** A binary frame to one connection: a frame to encode, or bytes already encoded (snapshots, shared by many connections). */
  send(conn: string, frame: ServerFrame | Uint8Array): void;
  /**
   * Where snapshot frames are encoded before `send`ing views of them: the bytes live as long as the
   * drained effects they go out with (effects.ts), so nothing is copied per tick.
   */
  frameBytes(): SnapWriter;
  /** A text frame (only the heartbeat "pong"). */
  sendText(conn: string, text: string): void;
  /** Close a connection (after the frames queued before it). */
  close(conn: LiveConn, code: number, reason: string): void;
  /** The record changed: write it before anything queued after this is sent. */
  markDirty(): void;
  log(level: LogEntry["level"], event: string, fields?: Record<string, unknown>): void;
  /** Entries for the action log, written with the record. */
  recordActions(actions: readonly ActionEntry[]): void;
  /**
   * An applied human input's action-log entry (`kind: "input"`), written with the next write of the
   * record, without asking for one now. Returns how many of its seat's inputs now wait for a write (not yet durable).
   */
  recordDeferredInput(round: number, seat: number, inputId: number, data: unknown, at: number, tick: number): number;
  /**
   * A seat's `lastInputId` as far as it is durable when a frame queued now is sent: the current value if
   * this batch writes the record (the frame goes out after the write), else the value last written.
   */
  durableInputId(seat: number): number;
  /** One sequenced update (seq + 1) with these events, to each recipient as its audience allows. Returns its seq. */
  emitUpdate(events: GameEvent[], exclude?: string): number;
  /** A lifecycle step: its action-log entries, its update, the end-of-match log. Returns the update's seq, if any. */
  commit(step: Step): number | null;
  /** Forget a connection (it closed or was closed); a seated player gets their grace window. */
  disconnect(connId: string, code: number, now: number): void;
  /** The retention deadline passed: ask the host to archive the replay and delete the storage. */
  retire(): void;
  /** A player acknowledged a critical update. */
  ackCritical(conn: LiveConn, seq: number): void;
}

export type RoomOps = RoomState & RoomOutput;

/** Sends the real-time snapshots of the current state (snapshot-fanout.ts); declared here so the parts need not import it. */
export interface SnapshotSender {
  send(core: RoomOps, newOnly: boolean): void;
}
