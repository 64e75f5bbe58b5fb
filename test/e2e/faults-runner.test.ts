/**
 * Fault injection, runner: the local runtime is killed mid-race and restarted on the same state,
 * with scripted SDK players racing through their own proxies.
 *
 * Checked after each kill: the room resumed at a tick it had already reached before the kill (it
 * simulated nothing while nobody could reach it), stayed at that tick until every player was back,
 * and only then counted down and ran again. Checked over the whole race: every `send()` got exactly
 * one answer; every acknowledged input is in the replay exactly once (0 lost, 0 applied twice), and
 * every input in the replay was acknowledged.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults-runner  (seed: EDGEROOM_FAULT_SEED)
 */
import { describe, expect, it } from "vitest";
import type { InputOutcome } from "../../src/client/internal";
import { mixSeed } from "../../src/games/rng";
import { faultSeed, now, printTable, useFaultStack } from "../support/fault-harness";
import { raceBot, raceSeen, type RaceSeen, type RaceSend } from "../support/runner-bot";

const SEED = faultSeed();
const suite = useFaultStack("faults-runner", SEED);
const KILLS = 3;

describe("fault injection: the runtime killed mid-race", () => {
  it("never simulates a tick while its players cannot send, and loses or doubles no input", async () => {
    const stack = suite.stack;
    // Three runners: the race goes on while two stand, so one scripted player falling (a loaded machine
    // can stall its event loop past a jump) does not end it before the last kill.
    const guests = [await stack.api.guest("Runner A"), await stack.api.guest("Runner B"), await stack.api.guest("Runner C")];
    const matchId = await stack.api.createMatch(guests[0]!.token, { game: "runner", mode: "pvp", seats: 3, options: { durationSeconds: 30 } });
    const seen = guests.map(raceSeen);
    const sends: RaceSend[][] = guests.map(() => []);
    const clients = await Promise.all(guests.map((g, i) => suite.open(`runner-${i}`, g.token, matchId, 700 + i)));
    clients.forEach((c, i) => raceBot(c, () => c.seat, seen[i]!, sends[i]!));
    await Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "playing")));

    const kills: Array<{ killAt: number; maxTickBefore: number }> = [];
    for (let k = 0; k < KILLS; k++) {
      // Kill when the race has run a little further (a tick both clients have seen), at seeded points.
      // One kill in the countdown (ticks 0–179), then two in the first obstacles of the race.
      const target = 100 + k * 220 + (mixSeed(SEED, 40 + k) % 60);
      // (or the race is over: then no further kill is made, and the count below fails the test)
      const over = Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "finished"))).then(() => true);
      if (await Promise.race([Promise.all(clients.map((c) => c.next("snap", (s) => s.tick >= target))).then(() => false), over])) break;
      const maxTickBefore = Math.max(...seen.flatMap((s) => s.snaps.map((x) => x.tick)));
      const killAt = now();
      await stack.restartAfter("kill");
      kills.push({ killAt, maxTickBefore });
      // Back and racing again (each client welcomed after the kill, then a snapshot past the tick it was
      // welcomed at), or over.
      await Promise.all(
        clients.map((c, i) => {
          const racing = new Promise<void>((resolve) => {
            const check = () => {
              const w = seen[i]!.welcomes.find((x) => x.t > killAt);
              if (w && seen[i]!.snaps.some((x) => x.t > w.t && x.tick > w.tick)) {
                off();
                resolve();
              }
            };
            const off = c.client.on("snap", check);
          });
          return Promise.race([racing, c.untilRoom((r) => r.status === "finished").then(() => undefined)]);
        }),
      );
    }
    await Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "finished")));
    // Every planned kill happened mid-race (the scripted players survive long enough).
    expect(kills).toHaveLength(KILLS);
    const outcomes: InputOutcome[][] = await Promise.all(sends.map((s) => Promise.all(s.map((x) => x.outcome))));

    const rows: Array<[string, string | number]> = [];
    kills.forEach((kill, k) => {
      const after = (s: RaceSeen) => ({
        welcome: s.welcomes.find((w) => w.t > kill.killAt),
        held: s.held.find((h) => h.t > kill.killAt),
        resuming: s.resuming.find((r) => r.t > kill.killAt),
      });
      const views = seen.map(after);
      for (const [i, v] of views.entries()) {
        expect(v.welcome, `client ${i} welcomed after kill ${k}`).toBeDefined();
        expect(v.resuming, `client ${i} saw the race resume after kill ${k}`).toBeDefined();
        // The room came back at a tick it had reached before the kill: nothing simulated while it was down.
        expect(v.welcome!.tick).toBeLessThanOrEqual(kill.maxTickBefore);
        expect(v.resuming!.tick).toBe(v.welcome!.tick);
        // Held there until every player was back: no snapshot moved before the resume was announced.
        const heldSnaps = seen[i]!.snaps.filter((s) => s.t > v.welcome!.t && s.t < v.resuming!.t);
        expect(heldSnaps.every((s) => s.tick === v.welcome!.tick)).toBe(true);
      }
      const lastBack = Math.max(...views.map((v) => v.welcome!.t));
      for (const v of views) expect(v.resuming!.t).toBeGreaterThanOrEqual(lastBack);
      rows.push([`kill ${k + 1}: tick seen before / resumed at`, `${kill.maxTickBefore} / ${views[0]!.welcome!.tick}`]);
    });

    // Every send settled exactly once; every acknowledged input is in the replay exactly once.
    const replay = (await (await stack.fetch(`${stack.base}/api/matches/${matchId}/replay`, { method: "GET", headers: {}, body: undefined as unknown as string })).json()) as {
      actions: Array<{ kind: string; seat?: number; inputId?: number | null }>;
    };
    // Every player was back inside its grace window after every kill: nobody was forfeited.
    expect(replay.actions.filter((a) => a.kind === "forfeit")).toEqual([]);
    let acked = 0;
    let dups = 0;
    let lost = 0;
    let doubled = 0;
    let refused = 0;
    outcomes.forEach((list, i) => {
      const seat = clients[i]!.seat;
      const applied = replay.actions.filter((a) => a.kind === "input" && a.seat === seat).map((a) => a.inputId);
      for (const o of list) {
        if (o.kind !== "ack") {
          refused += 1;
          // Only the documented real-time refusals: a stamp outside the windows, or the round over or the runner out.
          expect(o.kind === "gameError" ? o.code : o.kind).toMatch(/^(INPUT_TOO_LATE|INPUT_TOO_EARLY|INPUT_BUDGET|ROUND_ENDED|MATCH_OVER|KNOCKED_OUT)$/);
          expect(applied).not.toContain(o.id);
          continue;
        }
        acked += 1;
        if (o.dup) dups += 1;
        const times = applied.filter((id) => id === o.id).length;
        if (times === 0) lost += 1;
        if (times > 1) doubled += 1;
      }
      const ackedIds = new Set(list.filter((o) => o.kind === "ack").map((o) => o.id));
      expect(applied.filter((id) => id === null || id === undefined || !ackedIds.has(id))).toEqual([]);
      expect(clients[i]!.outcomes).toHaveLength(list.length);
    });
    rows.push(["inputs acknowledged (of which dup)", `${acked} (${dups})`], ["inputs refused", refused], ["acknowledged inputs lost", lost], ["inputs applied twice", doubled]);
    printTable(`faults-runner (seed ${SEED})`, rows);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(acked).toBeGreaterThan(30);
    expect(dups).toBeLessThanOrEqual(acked);
    expect(refused + acked).toBe(outcomes.flat().length);
  });
});
