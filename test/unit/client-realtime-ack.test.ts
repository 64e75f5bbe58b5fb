/**
 * The SDK side of the real-time acknowledgement contract (docs/protocol.md §14): `send()` resolves on the
 * admission ack (with its tick), the outbox keeps the input until a `snap.dur` covers it, re-sends it after
 * a reconnect until then, and a ROUND_ENDED after admission is a second notice.
 */
import { describe, expect, it } from "vitest";
import { Outbox } from "../../src/client/internal";
import { connectWith, harness, welcome } from "./client-sdk-harness";

/** A snap whose `dur` (durable through) is `dur` and whose `ack` (applied in the state) is `applied`. */
const snap = (dur: number, applied = dur) => ({ t: "snap" as const, tick: 30, ack: applied, key: true, d: [1], dur });
/** A delta snap without `dur` (durability did not move): the outbox keeps everything. */
const plain = (applied: number) => ({ t: "snap" as const, tick: 33, ack: applied, key: false, d: [] });

describe("real-time acknowledgements in the SDK", () => {
  it("resolves send() on the admission ack with its tick, and forgets the input only when snap.dur covers it", async () => {
    const h = harness();
    const durable = h.record("durable");
    const s = await connectWith(h, welcome());
    const first = h.client.send({ tick: 40, jump: true });
    const second = h.client.send({ tick: 41, duck: true });
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2]);
    s.deliver({ t: "ack", id: 1, seq: null, tick: 40, dup: false });
    s.deliver({ t: "ack", id: 2, seq: null, tick: 42, dup: false });
    await expect(first).resolves.toEqual({ ok: true, kind: "ack", id: 1, seq: null, tick: 40, dup: false, command: { t: "input", data: { tick: 40, jump: true } } });
    await expect(second).resolves.toMatchObject({ ok: true, kind: "ack", id: 2, tick: 42 });
    // Admitted, not durable: still held.
    expect(h.client.pendingInputs).toBe(2);
    s.deliver(snap(0, 2)); // applied in the state, not yet written
    expect(h.client.pendingInputs).toBe(2);
    s.deliver(plain(2)); // no `dur`: applied is not durable
    expect(h.client.pendingInputs).toBe(2);
    s.deliver(snap(1, 2));
    expect(h.client.pendingInputs).toBe(1);
    s.deliver(snap(2));
    expect(h.client.pendingInputs).toBe(0);
    expect(durable).toEqual([{ through: 1, ids: [1] }, { through: 2, ids: [2] }]);
  });

  it("re-sends, after a reconnect, every input admitted but not covered by snap.dur, and takes a dup admission as no new answer", async () => {
    const h = harness();
    const acks = h.record("ack");
    const first = await connectWith(h, welcome());
    void h.client.send({ tick: 40, jump: true });
    void h.client.send({ tick: 50, jump: true });
    first.deliver({ t: "ack", id: 1, seq: null, tick: 40, dup: false });
    first.deliver({ t: "ack", id: 2, seq: null, tick: 50, dup: false });
    first.deliver(snap(1));
    first.serverClose(1006, "");
    h.timers.runDue();
    const next = await h.nextSocket();
    next.open();
    next.deliver(welcome({ lastInputId: 1, resume: { status: "replayed", fromSeq: 0 } }));
    // Only input 2 is not known durable: it goes again, with its same id.
    expect(next.inputs()).toEqual([{ t: "input", id: 2, data: { tick: 50, jump: true } }]);
    next.deliver({ t: "ack", id: 2, seq: null, tick: 50, dup: true });
    expect(acks.map((a) => a.id)).toEqual([1, 2]);
    expect(h.client.stats.straySettles).toBe(1);
    expect(h.client.pendingInputs).toBe(1);
    next.deliver(snap(2));
    expect(h.client.pendingInputs).toBe(0);
  });

  it("reports ROUND_ENDED for an admitted input as a second notice and forgets it", async () => {
    const h = harness();
    const errors = h.record("gameError");
    const s = await connectWith(h, welcome());
    const sent = h.client.send({ tick: 900, jump: true });
    s.deliver({ t: "ack", id: 1, seq: null, tick: 900, dup: false });
    await expect(sent).resolves.toMatchObject({ ok: true, kind: "ack", tick: 900 });
    s.deliver({ t: "gameError", id: 1, code: "ROUND_ENDED", message: "The round ended before tick 900.", dup: false });
    expect(errors).toEqual([expect.objectContaining({ id: 1, code: "ROUND_ENDED", dup: false })]);
    expect(h.client.pendingInputs).toBe(0);
  });

  it("outbox: an admitted entry is kept until forgetDurable covers it; unanswered entries are never dropped by it", () => {
    const box = new Outbox();
    box.push({ t: "input", data: 1 });
    box.push({ t: "input", data: 2 });
    box.push({ t: "input", data: 3 });
    box.assignIds(0);
    expect(box.admit(1)?.admitted).toBe(true);
    expect(box.admit(1)).toBeNull();
    expect(box.admit(3)?.id).toBe(3);
    // 2 was never answered (say its answer went to a dead connection): snap.dur 3 does not drop it.
    expect(box.forgetDurable(3).map((e) => e.id)).toEqual([1, 3]);
    expect(box.pendingInOrder().map((e) => [e.id, e.admitted])).toEqual([[2, false]]);
    expect(box.forgetDurable(10)).toEqual([]);
  });
});
