import { describe, expect, it } from "vitest";
import { twoPlayerMatch } from "./helpers";

describe("bad frames never disturb the room", () => {
  it("answers malformed, oversized, hostile and text frames with error frames and keeps playing", async () => {
    const { a, b } = await twoPlayerMatch();
    const nested = new Uint8Array(2000).fill(0xdd); // array32 headers all the way down
    const cases: [Uint8Array | string, string][] = [
      [new Uint8Array([0xc1]), "MALFORMED_FRAME"],
      [new Uint8Array([0x81, 0xa1, 0x74]), "MALFORMED_FRAME"],
      [new Uint8Array(5000), "FRAME_TOO_LARGE"],
      [nested.subarray(0, 900), "MALFORMED_FRAME"],
      [new Uint8Array([0x93, 0x01, 0x02, 0x03]), "INVALID_FRAME"],
      ["hello", "TEXT_NOT_ALLOWED"],
    ];
    for (const [data, code] of cases) {
      a.sendRaw(data);
      expect((await a.next("error")).code).toBe(code);
    }
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 0 } });
    expect(await a.next("ack", (x) => x.id === 1)).toMatchObject({ dup: false });
    await b.nextEvent("playerMove");
    a.close();
    b.close();
  });

  it("answers the literal text heartbeat with pong", async () => {
    const { a, b } = await twoPlayerMatch();
    a.sendRaw("ping");
    a.send({ t: "sync", c: 123 });
    const sync = await a.next("sync");
    expect(sync.c).toBe(123);
    expect(a.texts).toContain("pong");
    a.close();
    b.close();
  });

  it("closes a flooding connection with the policy close code, without applying anything", async () => {
    const { a, b } = await twoPlayerMatch();
    for (let i = 0; i < 60; i++) a.sendRaw(new Uint8Array([0xc1]));
    expect((await a.closed).code).toBe(4008);
    const errors = a.frames.filter((f) => f.t === "error");
    expect(errors.length).toBeGreaterThanOrEqual(10);
    const dropped = await b.nextEvent("playerDisconnected");
    expect(dropped.room.view).toMatchObject({ moves: 0 });
    b.close();
  });

  it("rate-limits bursts beyond the bucket with RATE_LIMITED errors", async () => {
    const { a, b } = await twoPlayerMatch();
    for (let i = 0; i < 40; i++) a.send({ t: "sync", c: i });
    const limited = await a.next("error", (e) => e.code === "RATE_LIMITED");
    expect(limited.message).toContain("per second");
    a.close();
    b.close();
  });
});
