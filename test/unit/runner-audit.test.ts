/**
 * The soak's and fault suite's audit of real-time inputs (auditInputs in test/support/runner-bot.ts)
 * follows protocol §8.3: an admission ack is not final; `snap.dur` is the durable promise; ROUND_ENDED
 * is the one way an admitted input ends unapplied.
 */
import { describe, expect, it } from "vitest";
import type { InputOutcome } from "../../src/client/internal";
import { auditInputs } from "../support/runner-bot";

const command = { t: "input", data: {} } as const;
const ack = (id: number): InputOutcome => ({ ok: true, kind: "ack", id, seq: null, tick: 10, dup: false, command });

describe("the real-time input audit", () => {
  it("counts a durable input missing from the replay as lost, and an admitted one neither discarded nor applied apart", () => {
    const outcomes = [ack(1), ack(2), ack(3), ack(4)];
    // 1 applied and durable; 2 durable but missing (lost); 3 admitted, not durable, missing; 4 discarded by ROUND_ENDED.
    const a = auditInputs(outcomes, [1], { durable: new Set([1, 2]), discarded: new Set([4]) });
    expect(a).toMatchObject({ acked: 4, lost: 1, neverApplied: 2, notConfirmed: 1, discarded: 1, doubled: 0, unacked: 0 });
  });

  it("counts a discarded input that was applied anyway as applied twice, and an ack as final without the real-time sets", () => {
    expect(auditInputs([ack(1)], [1], { durable: new Set(), discarded: new Set([1]) })).toMatchObject({ doubled: 1, discarded: 1 });
    expect(auditInputs([ack(1), ack(2)], [1])).toMatchObject({ lost: 1, neverApplied: 0 });
  });
});
