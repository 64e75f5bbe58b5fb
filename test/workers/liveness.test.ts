/**
 * Half-open links, the host side (src/room/host/liveness-watch.ts): in a turn-based match in play,
 * a seated player's socket or fallback stream that goes silent is closed with 4500 by the room's
 * in-memory watchdog (not by the alarm, which stays 30 s behind as a backstop) and treated as a
 * drop; the opponent, who keeps pinging, is told. The waits are on events, never on time.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol";
import { openSse } from "../support/sse-socket";
import { api, join, twoPlayerMatch } from "./helpers";

type Host = import("../../src/room/host/room-object").RoomHost;
/** The room's billable-operation counters (this instance's). */
const stubFor = (matchId: string) => env.ROOMS.get(env.ROOMS.idFromName(matchId));
const opsOf = (matchId: string) => runInDurableObject(stubFor(matchId), (o: Host) => o.metrics());

/**
 * While the room waited for its second player, its alarm was set to the first player's liveness
 * deadline (no watchdog yet); the alarm is only ever moved earlier, so that one is still pending. Run
 * it now: everyone is fresh, so it closes nothing and re-arms 30 s behind the watchdog. Any close
 * from here on within the test is the watchdog's.
 */
async function spendWaitingAlarm(matchId: string): Promise<void> {
  expect(await runDurableObjectAlarm(stubFor(matchId))).toBe(true);
  expect((await opsOf(matchId))["alarmRuns"]).toBe(1);
}

describe("room liveness watchdog (turn-based rooms)", () => {
  it("closes a seated player's silent socket with 4500 from the watchdog (no alarm runs meanwhile), and tells the opponent", async () => {
    const { matchId, a, b } = await twoPlayerMatch({ turnMs: 0 });
    // Alice goes silent (every test socket pings by default), Bob keeps pinging.
    a.stopHeartbeat();
    await spendWaitingAlarm(matchId);
    const closed = await a.closed;
    expect(closed.code).toBe(CloseCode.HEARTBEAT_TIMEOUT);
    const dropped = await b.nextEvent("playerDisconnected");
    expect(dropped.room.seats[0]).toMatchObject({ connected: false });
    const ops = await opsOf(matchId);
    // The watchdog found it: no alarm ran after the one we spent, and the pinging opponent is still there.
    expect(ops["alarmRuns"]).toBe(1);
    expect(ops["livenessChecks"]).toBeGreaterThanOrEqual(1);
    b.close();
  });

  it("closes a fallback (SSE) player whose POSTs stopped, from the watchdog, and tells the opponent", async () => {
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", turnMs: 0 });
    const { ticket } = await api.ticket(alice.token, matchId);
    const { sock: a } = await openSse(api.fetch, api.base, matchId, ticket);
    await a.next("welcome");
    const b = await join(bob, matchId);
    await b.next("welcome");
    await spendWaitingAlarm(matchId);
    // Alice never POSTs a ping: her stream is open, her sends have stopped.
    expect(await a.closed).toMatchObject({ code: CloseCode.HEARTBEAT_TIMEOUT });
    await b.nextEvent("playerDisconnected");
    expect((await opsOf(matchId))["alarmRuns"]).toBe(1);
    b.close();
  });
});
