/**
 * Fault injection, runner: the local runtime is killed mid-race and restarted on the same state,
 * with scripted SDK players racing through their own proxies.
 *
 * Checked after each kill: the room resumed at a tick it had already reached before the kill (it
 * simulated nothing while nobody could reach it), stayed at that tick until every player was back,
 * and only then counted down and ran again. Checked over the whole race: every `send()` got exactly
 * one answer (its admission); every input a snapshot ack confirmed durable is in the replay exactly once
 * (0 lost), no input is applied twice, and every input in the replay was admitted.
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
    // Acknowledged-and-durable: an admitted input counts only once a snapshot's dur covered it (the SDK's 'durable'
    // event, collected by the bot in seen[i].durable); seen[i].discarded holds the ROUND_ENDED notices.
    const durable = seen.map((s) => s.durable);
    const discarded = seen.map((s) => s.discarded);
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
      // The resume was announced only once every player was back: the room snapshot sent with the
      // announcement (the server's own state) shows every seat connected, no grace window running. Not
      // compared by arrival times across clients: each goes through its own proxy, so another client's
      // welcome may arrive a moment after this client's announcement (seen once, by 0.5 ms, in CI).
      for (const [i, v] of views.entries()) {
        expect(v.resuming!.allBack, `client ${i}: every player back when the resume after kill ${k} was announced`).toBe(true);
        expect(v.resuming!.t).toBeGreaterThanOrEqual(v.welcome!.t);
      }
      rows.push([`kill ${k + 1}: tick seen before / resumed at`, `${kill.maxTickBefore} / ${views[0]!.welcome!.tick}`]);
    });

    // Every send settled exactly once; every acknowledged input is in the replay exactly once.
    const replay = (await (await stack.fetch(`${stack.base}/api/matches/${matchId}/replay`, { method: "GET", headers: {}, body: undefined as unknown as string })).json()) as {
      actions: Array<{ kind: string; seat?: number; inputId?: number | null }>;
    };
    // Every player was back inside its grace window after every kill: nobody was forfeited.
    expect(replay.actions.filter((a) => a.kind === "forfeit")).toEqual([]);
    let admitted = 0;
    let dups = 0;
    let durableCount = 0;
    let notConfirmed = 0;
    let lost = 0;
    let doubled = 0;
    let refused = 0;
    // Admitted and not ROUND_ENDED, yet absent from the replay: a scheduled input the SDK failed to re-send after a kill.
    let admittedNeverApplied = 0;
    const refusals = new Map<string, number>();
    outcomes.forEach((list, i) => {
      const seat = clients[i]!.seat;
      const applied = replay.actions.filter((a) => a.kind === "input" && a.seat === seat).map((a) => a.inputId);
      // No input is ever applied twice, durable or not.
      doubled += applied.filter((id, k) => applied.indexOf(id) !== k).length;
      for (const o of list) {
        if (o.kind !== "ack") {
          refused += 1;
          const code = o.kind === "gameError" ? o.code : o.kind;
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
          // Only the documented real-time refusals: a stamp outside the windows, or the round over or the runner out;
          // or the SDK's own OUTBOX_FULL (never sent, id null) when a bot kept pressing through a long restart.
          expect(o.kind === "gameError" ? o.code : o.kind).toMatch(/^(INPUT_TOO_LATE|INPUT_TOO_EARLY|INPUT_BUDGET|ROUND_ENDED|MATCH_OVER|KNOCKED_OUT|outboxFull)$/);
          if (o.kind === "outboxFull") expect(o.id).toBeNull();
          expect(applied).not.toContain(o.id);
          continue;
        }
        admitted += 1;
        if (o.dup) dups += 1;
        // Admitted, then the round ended before its tick: never applied.
        if (discarded[i]!.has(o.id)) expect(applied).not.toContain(o.id);
        else if (!applied.includes(o.id)) admittedNeverApplied += 1;
        if (!durable[i]!.has(o.id)) {
          notConfirmed += 1;
          continue;
        }
        durableCount += 1;
        if (!applied.includes(o.id)) lost += 1;
      }
      // Every input in the replay was admitted (acknowledged) by the room.
      const ackedIds = new Set(list.filter((o) => o.kind === "ack").map((o) => o.id));
      expect(applied.filter((id) => id === null || id === undefined || !ackedIds.has(id))).toEqual([]);
      expect(clients[i]!.outcomes).toHaveLength(list.length);
    });
    rows.push(
      ["inputs admitted (of which dup)", `${admitted} (${dups})`],
      ["admitted inputs confirmed durable by snap.dur", durableCount],
      ["admitted inputs not (yet) confirmed durable", notConfirmed],
      ["inputs refused", `${refused} (${[...refusals].map(([c, n]) => `${c} ${n}`).join(", ")})`],
      ["admitted, not ROUND_ENDED, never applied", admittedNeverApplied],
      ["durable inputs lost", lost],
      ["inputs applied twice", doubled],
    );
    printTable(`faults-runner (seed ${SEED})`, rows);
    expect(admitted).toBe(durableCount + notConfirmed);
    expect(dups).toBeLessThanOrEqual(admitted);
    expect(refused).toBe(outcomes.flat().length - admitted);
    expect(lost).toBe(0);
    expect(admittedNeverApplied).toBe(0);
    expect([...refusals.values()].reduce((a, b) => a + b, 0)).toBe(refused);
    expect(doubled).toBe(0);
    expect(durableCount).toBeGreaterThan(10);
  });
});
