/** bench/thread-cpu.ts: the calling thread's CPU clock, not the process's. */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { threadCpuMs } from "../../bench/thread-cpu";

function processCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** A fixed amount of integer work, so the clock has something to count. */
function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  return x;
}

describe("threadCpuMs", () => {
  it("advances with this thread's work, by no more than the process's CPU over the same span.", () => {
    // The thread's bracket lies inside the process's, so it cannot see more.
    const p0 = processCpuMs();
    const t0 = threadCpuMs();
    spin(50_000_000);
    const t1 = threadCpuMs();
    const p1 = processCpuMs();
    expect(t0).not.toBeNull();
    const thread = (t1 as number) - (t0 as number);
    expect(thread).toBeGreaterThan(0);
    // cpuUsage has microsecond resolution; the thread clock nanoseconds.
    expect(thread).toBeLessThanOrEqual(p1 - p0 + 0.01);
  });

  it("does not count another thread's work while this one blocks on it.", () => {
    // The worker spins, then wakes us through shared memory; we block in Atomics.wait meanwhile.
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const code = `
      const { workerData } = require("node:worker_threads");
      let x = 0;
      for (let i = 0; i < 200_000_000; i++) x = (x * 31 + i) | 0;
      Atomics.store(workerData, 0, x === 0.5 ? 2 : 1);
      Atomics.notify(workerData, 0);
    `;
    const p0 = processCpuMs();
    const t0 = threadCpuMs() as number;
    const worker = new Worker(code, { eval: true, workerData: flag });
    Atomics.wait(flag, 0, 0);
    const t1 = threadCpuMs() as number;
    const p1 = processCpuMs();
    void worker.terminate();
    expect(Atomics.load(flag, 0)).toBe(1);
    // The process clock counts the worker's spin; this thread's clock only our own few steps.
    expect(t1 - t0).toBeLessThan((p1 - p0) / 4);
  });
});
