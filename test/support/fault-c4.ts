/**
 * Connect Four matches driven by two SDK clients for the fault-injection
 * suite: each player moves as soon as the turn order allows (and asks for a
 * rematch when a round ends, while the test wants more), every settle is
 * recorded, and a test can hook "right before / right after this player
 * sends its next move" to place a fault there. Afterwards `verifyMatch`
 * compares what the clients were told (acknowledged inputs) with what the
 * server recorded (the replay document) and with the server's state hash.
 */
import type { InputOutcome } from "../../src/client/internal";
import { appGames } from "./app-games";
import { createState, dropDisc, type C4State } from "../../src/games/connect-four/rules";
import { Rng } from "../../src/games/rng";
import { stateHash, type RoomSnapshot } from "../../src/protocol";
import { verifyReplay, type Verification } from "../../src/replay/verify";
import { c4View, legalColumnsOf, type FaultClient, type FaultStack } from "./fault-harness";

export interface AckedMove {
  readonly player: string;
  readonly seat: number;
  readonly id: number;
  /** The update the move produced (from the ack). */
  readonly seq: number | null;
  readonly dup: boolean;
  readonly column: number;
  readonly round: number;
  readonly firstSeat: number;
}

type Strategy = (room: RoomSnapshot, player: FaultClient, rng: Rng) => number;

/** Seeded random legal column. */
export const randomColumn: Strategy = (room, _p, rng) => {
  const cols = legalColumnsOf(room);
  return cols[rng.int(cols.length)]!;
};

/** The fastest decided round: the first mover stacks column 3, the other column 4 (seven moves, first mover wins). */
export const quickWin: Strategy = (room, p) => (c4View(room).firstSeat === p.seat ? 3 : 4);

interface SendHook {
  before?: () => void;
  after?: () => void;
  /** With the move's outcome, once the SDK settled it (the soak reads the room's verdict on a cut move from it). */
  settled?: (outcome: InputOutcome) => void;
}

export class C4Match {
  readonly acked: AckedMove[] = [];
  /** Settles that were not a plain ack of a move or a rematch (gameError, invalid, closed...). */
  readonly refused: string[] = [];
  rematches = 0;
  movesAcked = 0;
  private readonly decisions = new Map<number, boolean>();
  private readonly hooks = new Map<FaultClient, SendHook>();
  private progressWaiters: Array<{ target: number; resolve: () => void }> = [];
  private loops: Promise<void> | null = null;

  constructor(
    readonly matchId: string,
    readonly players: readonly [FaultClient, FaultClient],
    /** Asked once per finished round (the answer is shared by both players): play another round? */
    private readonly wantAnotherRound: (round: number) => boolean,
  ) {}

  /** Create a pvp match, connect both players (the second join starts it) and wait until both see it playing. */
  static async create(
    stack: FaultStack,
    opts: { label: string; seed: number; settings?: Record<string, unknown>; wantAnotherRound: (round: number) => boolean },
    open: (label: string, token: string, matchId: string, seed: number) => Promise<FaultClient>,
  ): Promise<C4Match> {
    const a = await stack.api.guest(`${opts.label}-a`);
    const b = await stack.api.guest(`${opts.label}-b`);
    const matchId = await stack.api.createMatch(a.token, { game: "connect-four", mode: "pvp", turnMs: 0, graceMs: 600_000, ...opts.settings });
    const pa = await open(`${opts.label}/a`, a.token, matchId, opts.seed * 2 + 1);
    await pa.whenStatus("open");
    const pb = await open(`${opts.label}/b`, b.token, matchId, opts.seed * 2 + 2);
    await Promise.all([pa.untilRoom((r) => r.status === "playing"), pb.untilRoom((r) => r.status === "playing")]);
    return new C4Match(matchId, [pa, pb], opts.wantAnotherRound);
  }

  /** Start both players' loops; resolves when the last round finished and nobody asked for another. */
  play(strategy: Strategy, seed: number): Promise<void> {
    this.loops ??= Promise.all(this.players.map((p, i) => this.playerLoop(p, strategy, new Rng(seed + i)))).then(() => undefined);
    return this.loops;
  }

  /** Resolves once `more` further moves have been acknowledged in this match. */
  progress(more: number): Promise<void> {
    const target = this.movesAcked + more;
    if (more <= 0) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push({ target, resolve }));
  }

  /** Run `hook.before` right before and `hook.after` right after `player` sends its next move. Resolves after it ran. */
  onNextMove(player: FaultClient, hook: SendHook): Promise<void> {
    return new Promise((resolve) => {
      this.hooks.set(player, {
        before: hook.before,
        settled: hook.settled,
        after: () => {
          hook.after?.();
          resolve();
        },
      });
    });
  }

  private continueAfter(round: number): boolean {
    let d = this.decisions.get(round);
    if (d === undefined) {
      d = this.wantAnotherRound(round);
      this.decisions.set(round, d);
    }
    return d;
  }

  private async playerLoop(p: FaultClient, strategy: Strategy, rng: Rng): Promise<void> {
    for (;;) {
      const room = await p.untilRoom((r) => (r.status === "playing" && r.turn === p.seat) || r.status === "finished");
      if (room.status === "finished") {
        const round = room.round;
        if (!this.continueAfter(round)) return;
        const o = await p.client.rematch();
        if (o.ok) this.rematches++;
        else this.refused.push(`${p.label} rematch after round ${round}: ${o.kind} ${"code" in o ? o.code : ""}`);
        await p.untilRoom((r) => r.round > round);
        continue;
      }
      const view = c4View(room);
      const column = strategy(room, p, rng);
      const hook = this.hooks.get(p);
      this.hooks.delete(p);
      hook?.before?.();
      const pending = p.send({ type: "dropDisc", column });
      hook?.after?.();
      const o = await pending;
      hook?.settled?.(o);
      if (o.ok && o.kind === "ack") {
        this.acked.push({ player: p.label, seat: p.seat, id: o.id, seq: o.seq, dup: o.dup, column, round: room.round, firstSeat: view.firstSeat });
        this.movesAcked++;
        const ready = this.progressWaiters.filter((w) => w.target <= this.movesAcked);
        this.progressWaiters = this.progressWaiters.filter((w) => w.target > this.movesAcked);
        for (const w of ready) w.resolve();
      } else {
        this.refused.push(`${p.label} move ${column} in round ${room.round}: ${o.kind} ${"code" in o ? o.code : ""}`);
        // Let the room move on before choosing again (the view that led here is stale by definition).
        await p.untilRoom((r) => r !== room);
      }
    }
  }
}

export interface MatchCheck {
  verification: Verification;
  /** Acknowledged moves the server's log does not have. */
  lost: number;
  /** Inputs applied more than once (same seat and id in the log twice), plus logged inputs no client had acknowledged. */
  duplicated: number;
  /** Logged inputs whose round or column differ from what was acknowledged. */
  mismatched: number;
  /** Rounds whose state rebuilt from the acknowledged moves hashes differently from the re-simulated replay. */
  roundHashMismatches: number;
  /** Whether the last round rebuilt from acknowledged moves matches the server's status stateHash and both clients' final board. */
  finalStateMatches: boolean;
  rounds: number;
  problems: string[];
}

interface LoggedInput {
  kind: "input";
  round: number;
  seat: number;
  by: "human" | "ai";
  inputId: number | null;
  data: { column?: unknown };
}

/** Compare acknowledged moves with the server's replay document and state hash (the match must be over). */
export async function verifyMatch(stack: FaultStack, m: C4Match): Promise<MatchCheck> {
  const problems: string[] = [];
  const res = await stack.api.fetch(`${stack.api.base}/api/matches/${m.matchId}/replay`);
  if (res.status !== 200) throw new Error(`replay of ${m.matchId}: HTTP ${res.status} ${await res.text()}`);
  const doc = (await res.json()) as { actions: Array<{ kind: string }> };
  const verification = verifyReplay(doc, appGames);
  if (!verification.ok) problems.push(`verifyReplay: ${verification.reason}`);
  const status = (await (await stack.api.status(m.matchId)).json()) as { stateHash: string; seq: number; round: number };

  const logged = doc.actions.filter((a): a is LoggedInput => a.kind === "input").filter((a) => a.by === "human");
  const byKey = new Map<string, LoggedInput[]>();
  for (const a of logged) {
    const key = `${a.seat}:${a.inputId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), a]);
  }
  const ackedKeys = new Set(m.acked.map((a) => `${a.seat}:${a.id}`));
  let lost = 0;
  let duplicated = 0;
  let mismatched = 0;
  for (const a of m.acked) {
    const entries = byKey.get(`${a.seat}:${a.id}`) ?? [];
    if (entries.length === 0) {
      lost++;
      problems.push(`acknowledged move lost: seat ${a.seat} id ${a.id} column ${a.column} round ${a.round}`);
    } else if (entries[0]!.round !== a.round || entries[0]!.data.column !== a.column) {
      mismatched++;
      problems.push(`seat ${a.seat} id ${a.id}: acknowledged column ${a.column} round ${a.round}, logged ${JSON.stringify(entries[0])}`);
    }
  }
  for (const [key, entries] of byKey) {
    if (entries.length > 1) {
      duplicated += entries.length - 1;
      problems.push(`input ${key} applied ${entries.length} times`);
    }
    if (!ackedKeys.has(key)) {
      duplicated += 1;
      problems.push(`input ${key} applied but never acknowledged to its client`);
    }
  }

  // Rebuild every round from the acknowledged moves alone, in the order of the updates they produced.
  const rounds = [...new Set(m.acked.map((a) => a.round))].sort((x, y) => x - y);
  let roundHashMismatches = 0;
  let last: C4State | null = null;
  for (const round of rounds) {
    const moves = m.acked.filter((a) => a.round === round).sort((x, y) => (x.seq ?? -1) - (y.seq ?? -1));
    if (moves.some((a) => a.seq === null)) problems.push(`round ${round}: an acknowledgement without seq`);
    let state = createState(moves[0]!.firstSeat);
    for (const a of moves) {
      const r = dropDisc(state, a.seat, a.column);
      if (!r.ok) {
        problems.push(`round ${round}: acknowledged move seat ${a.seat} column ${a.column} illegal on rebuild (${r.code})`);
        break;
      }
      state = r.state;
    }
    const replayed = verification.rounds.find((r) => r.round === round);
    if (!replayed || replayed.stateHash !== stateHash(state)) {
      roundHashMismatches++;
      problems.push(`round ${round}: rebuilt hash ${stateHash(state)} vs replay ${replayed?.stateHash}`);
    }
    last = state;
  }
  let finalStateMatches = last !== null && stateHash(last) === status.stateHash && rounds.at(-1) === status.round;
  if (!finalStateMatches) problems.push(`final state: rebuilt ${last ? stateHash(last) : "none"} round ${rounds.at(-1)} vs server ${status.stateHash} round ${status.round}`);
  for (const p of m.players) {
    const board = c4View(p.room).board;
    const rebuilt = last ? boardRows(last) : null;
    if (JSON.stringify(board) !== JSON.stringify(rebuilt)) {
      finalStateMatches = false;
      problems.push(`${p.label}: final board differs from the rebuilt one`);
    }
  }
  return { verification, lost, duplicated, mismatched, roundHashMismatches, finalStateMatches, rounds: rounds.length, problems };
}

function boardRows(state: C4State): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < 6; r++) {
    const row: number[] = [];
    for (let c = 0; c < 7; c++) row.push(state.board[c * 6 + r] ?? 0);
    rows.push(row);
  }
  return rows;
}
