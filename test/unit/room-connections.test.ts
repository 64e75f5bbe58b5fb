/**
 * A connection's rate-limit bucket and strike counter count time from the connection's start, so
 * that their fields hold small integers rather than heap numbers (issue 12). The decisions must be
 * the ones the wall-clock times gave: same frames allowed, same strikes counted.
 */
import { describe, expect, it } from "vitest";
import { connAge, liveConn, type ConnInfo } from "../../src/room/core/connections";
import { addStrike, takeToken } from "../../src/room/core/token-bucket";

const T = 1_797_000_000_000;

function info(connectedAt: number): ConnInfo {
  return { connId: "c", playerId: "p", name: "p", role: "player", seat: 0, connectedAt };
}

describe("a connection's own clock", () => {
  it("gives a connection's age in ms, exactly, whole or not, however old", () => {
    expect(connAge(info(T), T + 19_950)).toBe(19_950);
    expect(connAge(info(T + 0.5), T + 3.25)).toBe(2.75);
    expect(connAge(info(T), T + 2 ** 32 + 7)).toBe(2 ** 32 + 7);
    expect(connAge(info(T), T - 40)).toBe(-40);
  });

  it("allows and refuses the frames and counts the strikes the wall-clock times did, for a connection restored days after it connected", () => {
    const connectedAt = T - 10 * 86_400_000;
    const c = liveConn(info(connectedAt), 3, T);
    const wall = { tokens: 3, tokensAt: T, strikeCount: 0, strikeWindowStart: T };
    const times = [T, T, T, T + 0.4, T + 60, T + 99.9, T + 100, T + 1_000, T + 1_000, T + 5_000.25, T + 5_001];
    for (const now of times) {
      expect(takeToken(c, connAge(c, now), 3, 10)).toBe(takeToken(wall, now, 3, 10));
      expect(addStrike(c, connAge(c, now), 1_000)).toBe(addStrike(wall, now, 1_000));
    }
  });
});
