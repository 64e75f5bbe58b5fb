/**
 * Modelled Durable Objects cost of one active 4-player real-time room for one
 * hour, at Cloudflare's published paid-plan prices (marginal, free allowances
 * ignored). Message and input rates are measured at the client; alarm and
 * storage behaviour is taken from the room's documented design.
 */
import { CHECKPOINT_MS, WATCHDOG_MS } from "../src/room/core/realtime-play";
import type { WindowFigures } from "./analyze";
import { round } from "./stats";

export const PRICES = {
  /** $ per million requests (HTTP, RPC sessions, alarm invocations; incoming WebSocket messages at 20:1). */
  requestsPerMillion: 0.15,
  wsMessagesPerRequest: 20,
  /** $ per million GB-s of duration, billed at 128 MB per awake object. */
  gbSecondsPerMillion: 12.5,
  memoryGb: 128 / 1024,
  /** $ per million SQLite rows written. */
  rowsWrittenPerMillion: 1.0,
} as const;

/**
 * The room's own constants (src/room/core/realtime-play.ts), not copies: while a match runs the alarm is
 * the loop's watchdog, written and run at most once per WATCHDOG_MS (an upper bound: it is only rewritten
 * when it would otherwise come due), and the record is checkpointed every CHECKPOINT_MS.
 */
export const WATCHDOG_SECONDS = WATCHDOG_MS / 1000;
export const CHECKPOINT_SECONDS = CHECKPOINT_MS / 1000;
const HOUR = 3600;

export interface CostLine {
  readonly item: string;
  readonly perHour: number;
  readonly dollars: number;
  readonly source: "measured" | "modelled" | "measured+modelled";
  readonly formula: string;
}

export interface CostModel {
  readonly lines: CostLine[];
  readonly totalDollars: number;
  /** Same, if the runtime's heartbeat auto-responses were not billed as incoming messages. */
  readonly totalWithoutPingsDollars: number;
  readonly assumptions: string[];
}

export function costPerRoomHour(rate: WindowFigures["perRoomSecond"]): CostModel {
  const messages = rate.messages * HOUR;
  const pings = rate.pings * HOUR;
  const alarmRuns = HOUR / WATCHDOG_SECONDS;
  const alarmWrites = HOUR / WATCHDOG_SECONDS;
  const checkpoints = HOUR / CHECKPOINT_SECONDS;
  const persistIntervals = rate.persistIntervals * HOUR;
  // The action log is written as one batch row per save with new actions (src/room/storage.ts).
  const inputRows = rate.inputIntervals * HOUR;
  const journalRows = rate.eventIntervals * HOUR;
  const recordWrites = checkpoints + persistIntervals;
  const gbSeconds = HOUR * PRICES.memoryGb;
  const $req = (n: number) => (n / 1e6) * PRICES.requestsPerMillion;
  const $rows = (n: number) => (n / 1e6) * PRICES.rowsWrittenPerMillion;
  const lines: CostLine[] = [
    {
      item: "WebSocket messages in (inputs + pings)",
      perHour: round(messages, 0),
      dollars: $req(messages / PRICES.wsMessagesPerRequest),
      source: "measured",
      formula: `(${rate.inputs} inputs + ${rate.pings} pings)/room/s × 3600 ÷ 20 × $0.15/M`,
    },
    { item: "alarm invocations (watchdog)", perHour: alarmRuns, dollars: $req(alarmRuns), source: "modelled", formula: `3600 / ${WATCHDOG_SECONDS} s × $0.15/M` },
    { item: "duration (awake all hour, 128 MB)", perHour: gbSeconds, dollars: (gbSeconds / 1e6) * PRICES.gbSecondsPerMillion, source: "modelled", formula: "3600 s × 0.125 GB = 450 GB-s × $12.50/M" },
    { item: "rows: alarm writes", perHour: alarmWrites, dollars: $rows(alarmWrites), source: "modelled", formula: `3600 / ${WATCHDOG_SECONDS} s × $1/M` },
    {
      item: "rows: record writes",
      perHour: round(recordWrites, 0),
      dollars: $rows(recordWrites),
      source: "measured+modelled",
      formula: `(${HOUR / CHECKPOINT_SECONDS} checkpoints + ${rate.persistIntervals} intervals with inputs or events/room/s × 3600) × $1/M`,
    },
    {
      item: "rows: action-log batches",
      perHour: round(inputRows, 0),
      dollars: $rows(inputRows),
      source: "measured",
      formula: `${rate.inputIntervals} intervals with applied inputs/room/s × 3600 × $1/M (one batch row per save; ${rate.inputs} inputs/room/s)`,
    },
    { item: "rows: journal entries (event updates)", perHour: round(journalRows, 0), dollars: $rows(journalRows), source: "measured", formula: `${rate.eventIntervals} updates with events/room/s × 3600 × $1/M` },
  ];
  const total = lines.reduce((s, l) => s + l.dollars, 0);
  return {
    lines: lines.map((l) => ({ ...l, dollars: round(l.dollars, 6) })),
    totalDollars: round(total, 6),
    totalWithoutPingsDollars: round(total - $req(pings / PRICES.wsMessagesPerRequest), 6),
    assumptions: [
      "Marginal paid-plan prices; the monthly free allowances (1 M requests, 400 000 GB-s, 50 M rows) are ignored.",
      "A live real-time room keeps its in-memory loop timer running, so it is awake (billed) for the whole hour at 128 MB regardless of its real memory.",
      "Heartbeat pings are counted as billed incoming messages (conservative; they are answered by the runtime's auto-response without waking the object).",
      `Record writes: one per snapshot interval with applied inputs or events (measured at the client from acks and updates, keyed by the snapshot of the same flush) plus one checkpoint every ${CHECKPOINT_SECONDS} s; a checkpoint falling in such an interval shares its write, so this is an upper bound. The capacity bench (\`npm run bench\`) counts rows with SQLite's own counter instead of this model.`,
      "The 4 bots of a room face the same obstacles at the same ticks and press together; human players spread their inputs over more intervals, up to one record write per applied input (about 4× the measured intervals).",
      "Each write stores the record row (1 row) plus one action row per applied input and one journal row per update; INSERT OR REPLACE is counted as one row; index updates are not counted.",
      "Per-match overhead is not included: 1 create RPC, 4 WebSocket upgrades and 4 ticket rows per match, plus countdown and match-end writes.",
      "Outgoing messages (snapshots) are not billed by Durable Objects.",
    ],
  };
}
