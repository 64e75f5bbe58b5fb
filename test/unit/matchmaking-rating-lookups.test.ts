/** The queue's coalesced rating look-ups (src/matchmaking/rating-lookups.ts), with a scripted ratings store. */
import { describe, expect, it } from "vitest";
import { RatingLookups } from "../../src/matchmaking/rating-lookups";

/** A ratings store whose answers the test releases one call at a time. */
function scriptedStore(means: Record<string, number>) {
  const calls: { game: string; ids: string[]; answer: () => void; fail: (e: Error) => void }[] = [];
  const fetchMeans = (game: string, ids: string[]) =>
    new Promise<(number | undefined)[]>((resolve, reject) => {
      calls.push({ game, ids, answer: () => resolve(ids.map((id) => means[id])), fail: reject });
    });
  return { calls, lookups: new RatingLookups(fetchMeans) };
}

describe("coalesced rating look-ups", () => {
  it("sends a lone look-up at once, and asks for every look-up made while one is in flight in a single next call", async () => {
    const { calls, lookups } = scriptedStore({ a: 30, b: 20, c: 27 });
    const a = lookups.mean("connect-four", "a");
    expect(calls.map((c) => c.ids)).toEqual([["a"]]);
    const b = lookups.mean("connect-four", "b");
    const c = lookups.mean("connect-four", "c");
    const d = lookups.mean("connect-four", "never-rated");
    expect(calls).toHaveLength(1);
    calls[0]?.answer();
    expect(await a).toBe(30);
    expect(calls.map((x) => x.ids)).toEqual([["a"], ["b", "c", "never-rated"]]);
    calls[1]?.answer();
    expect(await Promise.all([b, c, d])).toEqual([20, 27, undefined]);
  });

  it("keeps games apart: a look-up in another game does not wait for this game's call", () => {
    const { calls, lookups } = scriptedStore({});
    void lookups.mean("connect-four", "a");
    void lookups.mean("runner", "a");
    expect(calls.map((c) => [c.game, c.ids])).toEqual([
      ["connect-four", ["a"]],
      ["runner", ["a"]],
    ]);
  });

  it("fails every look-up of a failed call, and the look-ups that waited behind it still go out", async () => {
    const { calls, lookups } = scriptedStore({ b: 22 });
    const a = lookups.mean("connect-four", "a");
    const b = lookups.mean("connect-four", "b");
    calls[0]?.fail(new Error("store unavailable"));
    await expect(a).rejects.toThrow("store unavailable");
    expect(calls.map((c) => c.ids)).toEqual([["a"], ["b"]]);
    calls[1]?.answer();
    expect(await b).toBe(22);
  });
});
