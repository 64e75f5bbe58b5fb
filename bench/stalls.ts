/**
 * State lateness per room from the clients' arrival stamps (bench/profile-stalls.ts), and whether late
 * states cluster in time across rooms. Pure.
 *
 * A state's lateness is its arrival minus its tick's place in the room's own schedule (arrival −
 * tick × 1000/60 ms), less the room's smallest such value: 0 for the room's most punctual state. Late
 * states of many rooms in the same 10 ms mean the server's one thread was held (a collection, a burst,
 * the core taken by another process); a room late on its own means something of that room's.
 */
const STEP_MS = 1000 / 60;
const LATE_MS = 20;
const BIN_MS = 10;
/** A bin with at least this many rooms late is a thread-wide stall. */
const BURST_ROOMS = 10;

export interface StateArrival {
  readonly at: number;
  readonly tick: number;
}

export interface Lateness {
  readonly states: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  /** States more than LATE_MS late. */
  readonly late: number;
  /** Of those, the ones in a bin where at least BURST_ROOMS rooms were late. */
  readonly lateInBursts: number;
  /** The worst bins: start (ms from the first state), late states, all states. */
  readonly worst: readonly { atMs: number; late: number; all: number }[];
}

export function lateness(rooms: readonly (readonly StateArrival[])[]): Lateness {
  const all: { at: number; late: number; room: number }[] = [];
  rooms.forEach((states, room) => {
    if (states.length < 10) return;
    let base = Infinity;
    for (const s of states) base = Math.min(base, s.at - s.tick * STEP_MS);
    for (const s of states) all.push({ at: s.at, late: s.at - s.tick * STEP_MS - base, room });
  });
  const sorted = all.map((x) => x.late).sort((a, b) => a - b);
  const q = (v: number) => sorted[Math.min(sorted.length - 1, Math.floor(v * sorted.length))] ?? NaN;
  let t0 = Infinity;
  for (const x of all) t0 = Math.min(t0, x.at);
  const bins = new Map<number, { all: number; late: number; rooms: Set<number> }>();
  for (const x of all) {
    const b = Math.floor((x.at - t0) / BIN_MS);
    const bin = bins.get(b) ?? { all: 0, late: 0, rooms: new Set<number>() };
    bin.all += 1;
    if (x.late > LATE_MS) {
      bin.late += 1;
      bin.rooms.add(x.room);
    }
    bins.set(b, bin);
  }
  let lateInBursts = 0;
  for (const bin of bins.values()) if (bin.rooms.size >= BURST_ROOMS) lateInBursts += bin.late;
  const worst = [...bins]
    .sort((a, b) => b[1].late - a[1].late)
    .slice(0, 10)
    .map(([b, v]) => ({ atMs: b * BIN_MS, late: v.late, all: v.all }));
  return { states: all.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), late: all.filter((x) => x.late > LATE_MS).length, lateInBursts, worst };
}

/**
 * The stalls as time windows in the clients' clock: every state of a burst bin (≥ BURST_ROOMS rooms
 * late in it) spans from where it was due (arrival − lateness) to its arrival; overlapping spans merge.
 */
export function burstWindows(rooms: readonly (readonly StateArrival[])[]): { from: number; to: number; rooms: number }[] {
  const late: { from: number; to: number; room: number }[] = [];
  const bins = new Map<number, Set<number>>();
  rooms.forEach((states, room) => {
    if (states.length < 10) return;
    let base = Infinity;
    for (const s of states) base = Math.min(base, s.at - s.tick * STEP_MS);
    for (const s of states) {
      const l = s.at - s.tick * STEP_MS - base;
      if (l <= LATE_MS) continue;
      late.push({ from: s.at - l, to: s.at, room });
      const b = Math.floor(s.at / BIN_MS);
      const set = bins.get(b) ?? new Set<number>();
      set.add(room);
      bins.set(b, set);
    }
  });
  const inBurst = late.filter((x) => (bins.get(Math.floor(x.to / BIN_MS))?.size ?? 0) >= BURST_ROOMS).sort((a, b) => a.from - b.from);
  const out: { from: number; to: number; rooms: Set<number> }[] = [];
  for (const x of inBurst) {
    const last = out.at(-1);
    if (last && x.from <= last.to) {
      last.to = Math.max(last.to, x.to);
      last.rooms.add(x.room);
    } else out.push({ from: x.from, to: x.to, rooms: new Set([x.room]) });
  }
  return out.map((w) => ({ from: w.from, to: w.to, rooms: w.rooms.size }));
}

export function latenessText(l: Lateness, rooms: number): string {
  return [
    `State lateness (vs each room's most punctual state): p50 ${l.p50.toFixed(1)}, p90 ${l.p90.toFixed(1)}, p99 ${l.p99.toFixed(1)}, p99.9 ${l.p999.toFixed(1)} ms over ${l.states} states of ${rooms} rooms.`,
    `States > ${LATE_MS} ms late: ${l.late}; of them in ${BIN_MS} ms bins where ≥ ${BURST_ROOMS} rooms were late: ${l.lateInBursts}.`,
    `Worst bins (late/all): ${l.worst.map((w) => `${w.atMs} ms: ${w.late}/${w.all}`).join(", ")}`,
  ].join("\n");
}
