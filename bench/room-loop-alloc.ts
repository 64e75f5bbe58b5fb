/**
 * Bytes the room core allocates per loop tick of a real-time room (issue 12), in this process's V8:
 * ROOMS four-player runner rooms driven as the host drives them (scripted inputs as msgpack through
 * `message`, then `advance` every 50 ms of a virtual clock and `drain`, every drained frame handled as
 * the host's flush would), sampled by V8's allocation sampler (every SAMPLING bytes, default 128).
 * Allocations are grouped by stack: the loop tick (advance, drain) is split into the game's part (the
 * runner's files: step, quantize) and the core's (everything else the project runs there). V8 may
 * count an inlined callee's allocation in its caller (the fan-out's `send` shows quantize's), so
 * SCRATCH_QUANTIZE=1 replaces quantize by one array computed once with only its tick slot updated (as
 * RealtimeSpec allows a game to return one array; the snapshots are then not the race's): what is
 * left is the core's own. The harness's work (encoding drained msgpack frames, the bots, heartbeat
 * timestamps) is left out. Deterministic inputs, statistical sampling: compare runs of many
 * room-ticks, not single frames.
 *
 * Usage: npx tsx bench/room-loop-alloc.ts [ROOMS=50 ITERATIONS=600 SCRATCH_QUANTIZE=1]
 * Writes bench/results/room-loop-alloc-latest.md.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { resolve } from "node:path";
import { games } from "../src/app/games";
import { GameRegistry } from "../src/games/registry";
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../src/games/runner";
import type { AnyGame, TickInput } from "../src/games/types";
import { encodeFrame } from "../src/protocol";
import type { Effects } from "../src/room/core/effects";
import type { RoomCore } from "../src/room/core/room-core";
import { RUNNER_SEATS, runnerCore } from "./runner-core";

const ROOMS = Number(process.env.ROOMS ?? 50);
const ITERATIONS = Number(process.env.ITERATIONS ?? 600);
const SAMPLING = Number(process.env.SAMPLING ?? 128);
const SCRATCH = process.env.SCRATCH_QUANTIZE === "1";
const SEATS = RUNNER_SEATS;
const GAME_FILES = /\/src\/games\/runner\//;

interface SamplingNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SamplingNode[];
}

function runnerGame(): AnyGame {
  const game = new GameRegistry(games).find("runner");
  if (!game?.realtime) throw new Error("runner is not registered");
  if (!SCRATCH) return game;
  const rt = game.realtime;
  let scratch: number[] | null = null;
  return {
    ...game,
    realtime: {
      ...rt,
      quantize: (state: unknown, viewer?: number | null) => {
        scratch ??= rt.quantize(state, viewer);
        scratch[0] = rt.tick(state);
        return scratch;
      },
    },
  };
}

function makeRoom(game: AnyGame, seed: number, now: number): RoomCore {
  return runnerCore(game, seed, now, 90);
}

/** As the host's flush: bytes go out as they are, other frames are msgpack-encoded. */
function consume(fx: Effects): void {
  for (const frame of fx.frames) if (!(frame instanceof Uint8Array)) encodeFrame(frame);
}

function loopTick(core: RoomCore, now: number): void {
  core.advance(now);
  consume(core.drain());
}

async function main(): Promise<void> {
  const game = runnerGame();
  let now = 1_700_000_000_000;
  const rooms = Array.from({ length: ROOMS }, (_, i) => makeRoom(game, 1000 + i, now));
  const ids = rooms.map(() => [0, 0, 0, 0]);
  const conns = Array.from({ length: SEATS }, (_, i) => `c${i}`);
  let inputs = 0;
  /** The clients' part of a loop interval: the bots' inputs for the next three ticks, as msgpack frames, and the heartbeat timestamps. */
  const traffic = (): void => {
    now += 50;
    rooms.forEach((core, k) => {
      if (core.record.status !== "playing") return;
      let state = core.record.game as RunnerState;
      for (let t = 0; t < 3; t++) {
        const batch: TickInput<RunnerInput>[] = [];
        for (let seat = 0; seat < SEATS; seat++) {
          const input = scriptedInput(state, seat);
          const seatIds = ids[k];
          if (!input || !seatIds) continue;
          seatIds[seat] = (seatIds[seat] ?? 0) + 1;
          core.message(conns[seat] ?? "c0", encodeFrame({ t: "input", id: seatIds[seat] ?? 1, data: input }).slice().buffer, now);
          consume(core.drain());
          batch.push({ seat, input });
          inputs++;
        }
        state = step(state, batch).state;
      }
      // The runtime's heartbeat timestamps, as the host reads them (heartbeats.ts).
      for (let seat = 0; seat < SEATS; seat++) core.observeSeen(conns[seat] ?? "c0", now);
    });
  };
  const loop = (): void => {
    for (let i = 0; i < rooms.length; i++) {
      const core = rooms[i];
      if (core) loopTick(core, now);
    }
  };
  // Past the countdown and V8's warm-up.
  for (let it = 0; it < 200; it++) {
    traffic();
    loop();
  }
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  const inputs0 = inputs;
  // Only the loop ticks are sampled: the sampler runs around each pass of `loop` alone.
  const profiles: SamplingNode[] = [];
  for (let it = 0; it < ITERATIONS; it++) {
    traffic();
    await session.post("HeapProfiler.startSampling", { samplingInterval: SAMPLING, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    loop();
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: SamplingNode } };
    profiles.push(profile.head);
  }
  session.disconnect();
  const playing = rooms.filter((r) => r.record.status === "playing").length;
  if (playing !== ROOMS) throw new Error(`room-loop-alloc: ${ROOMS - playing} rooms ended during the measurement; lower ITERATIONS`);

  let gameBytes = 0;
  let coreBytes = 0;
  const bySite = new Map<string, number>();
  const walk = (n: SamplingNode, path: readonly SamplingNode[]): void => {
    const p = [...path, n];
    // Left out: the harness's frame handling, and the sampler's own promises (node's inspector and util).
    const harness = p.some((x) => x.callFrame.functionName === "consume" || x.callFrame.url.startsWith("node:") || x.callFrame.url === "util");
    if (n.selfSize > 0 && !harness) {
      if (p.some((x) => GAME_FILES.test(x.callFrame.url))) gameBytes += n.selfSize;
      else {
        coreBytes += n.selfSize;
        const site = p
          .slice(-3)
          .map((x) => `${x.callFrame.functionName || "(anonymous)"}${x.callFrame.url ? `@${x.callFrame.url.split("/").pop() ?? ""}` : ""}`)
          .join(" > ");
        bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
      }
    }
    for (const c of n.children) walk(c, p);
  };
  for (const head of profiles) walk(head, []);
  const roomTicks = ROOMS * ITERATIONS;
  const per = (b: number): string => (b / roomTicks).toFixed(0);
  const lines = [
    `# Room core allocation per loop tick (${new Date().toISOString()})`,
    "",
    `${ROOMS} four-player runner rooms, ${ITERATIONS} loop ticks each (50 ms, 3 simulation ticks), ${((inputs - inputs0) / roomTicks).toFixed(2)} inputs per room-tick; quantize ${SCRATCH ? "replaced by one array, tick slot updated (SCRATCH_QUANTIZE)" : "as the runner has it"}; node ${process.version}, sampling every ${SAMPLING} B.`,
    "",
    `- loop tick (advance + drain), the core's part: **${per(coreBytes)} B per room-tick**`,
    `- the game's part (runner step and quantize): ${per(gameBytes)} B per room-tick`,
    "",
    "Core sites (last three frames), B per room-tick:",
    "",
    ...[...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([site, b]) => `- ${per(b)} ${site}`),
    "",
  ];
  const text = lines.join("\n");
  console.log(text);
  writeFileSync(resolve(import.meta.dirname, "results/room-loop-alloc-latest.md"), text);
}

void main();
