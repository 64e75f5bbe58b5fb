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
  return { matchId: rec.matchId, game: rec.settings.game, seed: rec.seed, settings: rec.settings, result: rec.result, actions: r.actions };
}

describe("replay verification", () => {
  it("confirms the recorded result of a whole match against the AI from the seed and the action log", () => {
    const doc = playedAgainstAi(11);
    expect(doc.result).not.toBeNull();
    const v = verifyReplay(JSON.parse(JSON.stringify(doc)));
    expect(v).toMatchObject({ ok: true, result: doc.result });
  });

  it("rejects a log whose result was altered", () => {
    const doc = playedAgainstAi(12);
    const forged = { ...doc, result: { winner: doc.result?.winner === 0 ? 1 : 0, reason: "win" } };
    expect(verifyReplay(JSON.parse(JSON.stringify(forged)))).toMatchObject({ ok: false });
  });

  it("rejects a log with a move changed or a seed that does not derive from the match seed", () => {
    const doc = JSON.parse(JSON.stringify(playedAgainstAi(13)));
    const input = doc.actions.find((a: { kind: string }) => a.kind === "input");
    input.data.column = (input.data.column + 1) % 7;
    expect(verifyReplay(doc).ok).toBe(false);
    const doc2 = JSON.parse(JSON.stringify(playedAgainstAi(13)));
    doc2.actions[0].seed += 1;
    expect(verifyReplay(doc2)).toMatchObject({ ok: false });
  });

  it("refuses documents that are not replays without throwing", () => {
    expect(verifyReplay({ nope: true })).toMatchObject({ ok: false });
    expect(verifyReplay(null)).toMatchObject({ ok: false });
  });
});
