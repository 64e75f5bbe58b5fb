import { appGames } from "../support/app-games";
import { describe, expect, it } from "vitest";
import { verifyReplay } from "../../src/replay/verify";
import { RoomStepper } from "../support/room-stepper";

function playedAgainstAi(seed: number) {
  const r = new RoomStepper({ mode: "ai", aiLevel: "medium", turnMs: 0 }, seed);
  r.connect("c0", "p0");
  for (let id = 1; r.core.record.status === "playing" && id < 40; id++) {
    const heights = (r.core.record.game as { heights: number[] }).heights;
    const col = [3, 2, 4, 1, 5, 0, 6].find((c) => (heights[c] ?? 6) < 6) ?? 0;
    r.send("c0", { t: "input", id, data: { type: "dropDisc", column: col } });
    r.advance(1000);
  }
  const rec = r.core.record;
  return { matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, result: rec.result, rounds: rec.reveals, actions: r.actions };
}

describe("replay verification", () => {
  it("confirms the recorded result of a whole match against the AI from the seed and the action log", () => {
    const doc = playedAgainstAi(11);
    expect(doc.result).not.toBeNull();
    const v = verifyReplay(JSON.parse(JSON.stringify(doc)), appGames);
    expect(v).toMatchObject({ ok: true, result: doc.result });
  });

  it("rejects a log whose result was altered", () => {
    const doc = playedAgainstAi(12);
    const forged = { ...doc, result: { winner: doc.result?.winner === 0 ? 1 : 0, reason: "win" } };
    expect(verifyReplay(JSON.parse(JSON.stringify(forged)), appGames)).toMatchObject({ ok: false });
  });

  it("rejects a log with a move changed, a seed that is not the committed one, or a reveal that does not open the commitment", () => {
    const doc = JSON.parse(JSON.stringify(playedAgainstAi(13)));
    const input = doc.actions.find((a: { kind: string }) => a.kind === "input");
    input.data.column = (input.data.column + 1) % 7;
    expect(verifyReplay(doc, appGames).ok).toBe(false);
    const doc2 = JSON.parse(JSON.stringify(playedAgainstAi(13)));
    doc2.actions[0].seed += 1;
    expect(verifyReplay(doc2, appGames)).toMatchObject({ ok: false });
    const doc3 = JSON.parse(JSON.stringify(playedAgainstAi(13)));
    doc3.rounds[0].salt = "00".repeat(16);
    expect(verifyReplay(doc3, appGames)).toMatchObject({ ok: false });
  });

  it("refuses documents that are not replays without throwing", () => {
    expect(verifyReplay({ nope: true }, appGames)).toMatchObject({ ok: false });
    expect(verifyReplay(null, appGames)).toMatchObject({ ok: false });
  });
});

describe("seed commitments", () => {
  it("publishes a commitment at the start and a reveal at the end that opens it", async () => {
    const { verifyReveal } = await import("../../src/protocol");
    const r = new RoomStepper({ mode: "pvp", turnMs: 0 }, 5);
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    const started = r.frames("c0").flatMap((f) => (f.t === "update" ? f.events : [])).find((e) => e.type === "matchStarted");
    const commitment = String(started?.["commitment"]);
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(r.last("c1", "welcome")?.room.commitment).toBe(commitment);
    r.send("c1", { t: "resign", id: 1 });
    const ended = r.last("c0", "update")?.events.find((e) => e.type === "matchEnded");
    const reveal = ended?.["reveal"] as { seed: number; salt: string; commitment: string };
    expect(reveal.commitment).toBe(commitment);
    expect(verifyReveal(commitment, reveal.seed, reveal.salt)).toBe(true);
    expect(verifyReveal(commitment, reveal.seed + 1, reveal.salt)).toBe(false);
  });

  it("keeps the next round unpredictable after a round is revealed", async () => {
    const { deriveRound } = await import("../../src/protocol");
    const secret = "ab".repeat(32);
    const one = deriveRound(secret, 1);
    const two = deriveRound(secret, 2);
    expect(one.seed).not.toBe(two.seed);
    expect(one.salt).not.toBe(two.salt);
    expect(one.salt).toMatch(/^[0-9a-f]{32}$/);
  });
});
