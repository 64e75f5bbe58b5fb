import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloseCode, isTerminalClose } from "../../src/protocol";
import { backoffWindow, initialMachine, resolveBackoff, transition, type ConnectionEvent, type Machine, type MachineConfig } from "../../src/client";

const STABLE = 10_000;

function config(random: () => number, maxEstablishFailures = 5): MachineConfig {
  return { backoff: resolveBackoff({ random, stableAfterMs: STABLE }), maxEstablishFailures };
}

const retryableCode = fc.oneof(fc.integer({ min: 1000, max: 1015 }), fc.integer({ min: 4500, max: 4999 }), fc.integer({ min: 3000, max: 3999 }), fc.constantFrom(1001, 1006, 1012));
// The named codes, plus anything else in the terminal range.
const terminalCode = fc.oneof(fc.constantFrom(...Object.values(CloseCode).filter(isTerminalClose)), fc.integer({ min: 4000, max: 4499 }));
// Weighted towards retryable codes so scripts build long failure streaks before a terminal close ends them.
const anyCode = fc.oneof({ arbitrary: retryableCode, weight: 8 }, { arbitrary: terminalCode, weight: 1 }, { arbitrary: fc.constant(CloseCode.RESUME_REJECTED), weight: 1 });

/** One step of a script: how much time passes, then which event happens. */
const scriptStep = fc.record({
  dt: fc.integer({ min: 0, max: 20_000 }),
  // `close` ends a script, so it is rare.
  kind: fc.oneof(
    { arbitrary: fc.constantFrom("socketOpen", "welcome", "socketClosed", "ticketFailed", "retryDue", "online"), weight: 30 },
    { arbitrary: fc.constant("close"), weight: 1 },
  ),
  code: anyCode,
  status: fc.oneof({ arbitrary: fc.constantFrom<number | null>(null, 429, 500, 503), weight: 8 }, { arbitrary: fc.constantFrom<number | null>(400, 401, 403, 404), weight: 1 }),
  immediate: fc.boolean(),
});
type ScriptStep = typeof scriptStep extends fc.Arbitrary<infer T> ? T : never;

function toEvent(s: ScriptStep, now: number, m: Machine): ConnectionEvent {
  switch (s.kind) {
    case "socketClosed":
      return { type: "socketClosed", code: s.code, reason: "test", now, immediate: s.immediate };
    case "ticketFailed":
      return { type: "ticketFailed", status: s.status, message: "test", now };
    case "retryDue":
      // Mostly on time (as the client's timer fires), sometimes early.
      return { type: "retryDue", now: m.state.status === "reconnecting" && s.immediate ? m.state.nextRetryAt : now };
    default:
      return { type: s.kind, now };
  }
}

/** Run a script, calling `check(before, event, after)` for every step. */
function run(script: ScriptStep[], cfg: MachineConfig, check: (before: Machine, e: ConnectionEvent, after: Machine, notices: number) => void): void {
  let m = initialMachine();
  let now = 0;
  for (const s of script) {
    now += s.dt;
    const e = toEvent(s, now, m);
    now = Math.max(now, e.now);
    const step = transition(m, e, cfg);
    check(m, e, step.machine, step.notices.length);
    m = step.machine;
  }
}

const randoms = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 16 });
function cycling(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe("connection state machine", () => {
  it("never retries after a terminal close code: the machine ends in closed and stays there", () => {
    fc.assert(
      fc.property(fc.array(scriptStep, { minLength: 10, maxLength: 60 }), randoms, (script, rs) => {
        run(script, config(cycling(rs)), (before, e, after) => {
          if (before.state.status === "closed") {
            expect(after).toBe(before);
            return;
          }
          if (e.type !== "socketClosed" || (before.state.status !== "connecting" && before.state.status !== "open")) return;
          const stable = before.state.status === "open" && e.now - before.state.openedAt >= STABLE;
          const freshRetry = e.code === CloseCode.RESUME_REJECTED && (before.freshRetryAvailable || stable);
          if (isTerminalClose(e.code) && !freshRetry) {
            expect(after.state).toMatchObject({ status: "closed", reason: { kind: "server", code: e.code } });
          }
        });
      }),
    );
  });

  it("answers every retryable close code (all 1xxx, 3xxx, 45xx) with reconnecting inside the backoff window", () => {
    fc.assert(
      fc.property(fc.array(scriptStep, { minLength: 10, maxLength: 60 }), randoms, (script, rs) => {
        const cfg = config(cycling(rs));
        run(script, cfg, (before, e, after) => {
          if (e.type !== "socketClosed" || isTerminalClose(e.code)) return;
          if (before.state.status !== "connecting" && before.state.status !== "open") return;
          const s = after.state;
          expect(s.status).toBe("reconnecting");
          if (s.status !== "reconnecting") return;
          expect(s.lastClose).toEqual({ code: e.code, reason: "test" });
          const delay = s.nextRetryAt - e.now;
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(e.immediate ? 0 : backoffWindow(s.attempt - 1, cfg.backoff));
        });
      }),
    );
  });

  it("counts attempts up by one per failure, restarts them at 0 after a stable welcomed connection and at 1 after a short one", () => {
    const seen = { stable: 0, unstable: 0, shortWelcomed: 0, longStreak: 0 };
    fc.assert(
      fc.property(fc.array(scriptStep, { minLength: 20, maxLength: 80 }), (script) => {
        run(script, config(() => 0.5), (before, e, after) => {
          const failure = (e.type === "socketClosed" && (before.state.status === "connecting" || before.state.status === "open")) || (e.type === "ticketFailed" && before.state.status === "connecting");
          if (!failure) {
            expect(after.attempt).toBe(before.attempt);
            return;
          }
          if (after.state.status === "closed") return;
          const welcomed = e.type === "socketClosed" && before.state.status === "open";
          const stable = welcomed && before.state.status === "open" && e.now - before.state.openedAt >= STABLE;
          seen[stable ? "stable" : "unstable"] += 1;
          if (welcomed && !stable) seen.shortWelcomed += 1;
          if (before.attempt >= 4) seen.longStreak += 1;
          // A welcomed connection never lets the count grow across it, however short it was.
          expect(after.attempt).toBe(stable ? 1 : welcomed ? Math.min(before.attempt, 1) + 1 : before.attempt + 1);
          if (after.state.status === "reconnecting") expect(after.state.attempt).toBe(after.attempt);
        });
      }),
    );
    // The generated scripts really exercise both kinds of close.
    expect(seen.stable).toBeGreaterThan(0);
    expect(seen.unstable).toBeGreaterThan(0);
    expect(seen.shortWelcomed).toBeGreaterThan(0);
    expect(seen.longStreak).toBeGreaterThan(0);
  });

  it("lowers the delay cap to the room's reconnect.maxDelayMs from its welcome, never raising the configured cap", () => {
    const cfg = config(() => 0.999);
    const welcomed = (maxDelayMs?: number) =>
      transition(transition(initialMachine(), { type: "socketOpen", now: 0 }, cfg).machine, { type: "welcome", now: 0, maxDelayMs }, cfg).machine;
    const delays = (m: Machine) => {
      const out: number[] = [];
      let cur = m;
      for (let i = 0; i < 12; i++) {
        cur = transition(cur, { type: "socketClosed", code: 1006, reason: "", now: 1 }, cfg).machine;
        if (cur.state.status !== "reconnecting") throw new Error("expected reconnecting");
        out.push(cur.state.nextRetryAt - 1);
        cur = transition(cur, { type: "retryDue", now: cur.state.nextRetryAt }, cfg).machine;
      }
      return out;
    };
    expect(Math.max(...delays(welcomed(3_333)))).toBe(3_329);
    expect(Math.max(...delays(welcomed(60_000)))).toBe(29_970);
    expect(Math.max(...delays(welcomed()))).toBe(29_970);
  });

  it("classifies every close code from 1000 to 4999, from connecting and from open, by the terminal/retryable rule", () => {
    const cfg = config(() => 0.5);
    const opened = transition(transition(initialMachine(), { type: "socketOpen", now: 0 }, cfg).machine, { type: "welcome", now: 0 }, cfg).machine;
    const spent = { ...opened, freshRetryAvailable: false };
    for (let code = 1000; code <= 4999; code++) {
      for (const m of [initialMachine(), spent]) {
        const s = transition(m, { type: "socketClosed", code, reason: "", now: 1 }, cfg).machine.state;
        const retry = code === CloseCode.RESUME_REJECTED ? m.freshRetryAvailable : !(code >= 4000 && code < 4500);
        expect(s.status, `code ${code} from ${m.state.status}`).toBe(retry ? "reconnecting" : "closed");
      }
    }
  });

  it("answers 4010 with one immediate fresh reconnect, and a second 4010 before the connection proved stable with closed", () => {
    const cfg = config(() => 0.5);
    let m = initialMachine();
    const go = (e: ConnectionEvent) => (m = transition(m, e, cfg).machine);
    go({ type: "socketOpen", now: 0 });
    go({ type: "socketClosed", code: CloseCode.RESUME_REJECTED, reason: "bad session", now: 10 });
    expect(m.state).toMatchObject({ status: "reconnecting", freshSession: true, nextRetryAt: 10 });
    go({ type: "retryDue", now: 10 });
    go({ type: "socketOpen", now: 20 });
    go({ type: "welcome", now: 30 });
    go({ type: "socketClosed", code: CloseCode.RESUME_REJECTED, reason: "again", now: 40 });
    expect(m.state).toMatchObject({ status: "closed", reason: { kind: "server", code: CloseCode.RESUME_REJECTED } });
  });

  it("reports transportBlocked once after N consecutive attempts that never opened a socket, and clears it when one opens", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 10 }), (n, extra) => {
        const cfg = config(() => 0, n);
        let m = initialMachine();
        let notices = 0;
        let now = 0;
        for (let i = 0; i < n + extra; i++) {
          const closed = transition(m, { type: "socketClosed", code: 1006, reason: "refused", now: ++now }, cfg);
          notices += closed.notices.length;
          m = closed.machine;
          const s = m.state;
          expect(s.status).toBe("reconnecting");
          if (s.status === "reconnecting") expect(s.transportBlocked).toBe(i + 1 >= n);
          m = transition(m, { type: "retryDue", now }, cfg).machine;
        }
        expect(notices).toBe(1);
        m = transition(m, { type: "socketOpen", now: ++now }, cfg).machine;
        expect(m.state).toMatchObject({ status: "connecting", transportBlocked: false });
        expect(m.establishFailures).toBe(0);
      }),
    );
  });

  it("does not count HTTP ticket failures towards transportBlocked", () => {
    const cfg = config(() => 0, 2);
    let m = initialMachine();
    for (let i = 0; i < 10; i++) {
      const step = transition(m, { type: "ticketFailed", status: 503, message: "down", now: i }, cfg);
      expect(step.notices).toEqual([]);
      m = transition(step.machine, { type: "retryDue", now: i }, cfg).machine;
    }
    expect(m.state).toMatchObject({ status: "connecting", transportBlocked: false });
  });

  it("treats a 401 from the ticket endpoint as terminal auth failure, and 429/5xx/network errors as retryable", () => {
    const cfg = config(() => 0);
    expect(transition(initialMachine(), { type: "ticketFailed", status: 401, message: "auth failed", now: 0 }, cfg).machine.state).toEqual({
      status: "closed",
      reason: { kind: "auth-failed", message: "auth failed" },
      lastClose: null,
    });
    for (const status of [404, 403, 400]) {
      expect(transition(initialMachine(), { type: "ticketFailed", status, message: "x", now: 0 }, cfg).machine.state).toMatchObject({ status: "closed", reason: { kind: "ticket-refused", status } });
    }
    for (const status of [null, 429, 500, 503]) {
      expect(transition(initialMachine(), { type: "ticketFailed", status, message: "x", now: 0 }, cfg).machine.state).toMatchObject({ status: "reconnecting", ticketError: { status } });
    }
  });

  it("retries at once when the platform reports it is back online, and not before the retry time otherwise", () => {
    const cfg = config(() => 0.9);
    let m = transition(initialMachine(), { type: "socketClosed", code: 1006, reason: "x", now: 0 }, cfg).machine;
    const s = m.state;
    if (s.status !== "reconnecting") throw new Error("expected reconnecting");
    expect(transition(m, { type: "retryDue", now: s.nextRetryAt - 1 }, cfg).changed).toBe(false);
    m = transition(m, { type: "online", now: 1 }, cfg).machine;
    expect(m.state.status).toBe("connecting");
  });

  it("reports a state change only when the public state actually changed", () => {
    const cfg = config(() => 0);
    const step = transition(initialMachine(), { type: "socketOpen", now: 0 }, cfg);
    expect(step.changed).toBe(false);
    expect(transition(step.machine, { type: "welcome", now: 1 }, cfg).changed).toBe(true);
  });
});
