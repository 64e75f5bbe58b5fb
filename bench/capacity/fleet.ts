/**
 * The parent's side of the load generators: fork N processes (tsx), pin them
 * to the load-generator CPUs, spread rooms over them (the least loaded first;
 * a room's four bots stay in one process), and pool their window reductions.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { mergeReductions, type LoadgenReply, type LoadgenStalls, type LoadgenRequest, type OpenSpec, type Target, type WindowReduction } from "./protocol";

type Body<R> = R extends { seq: number } ? Omit<R, "seq"> : never;

class Loadgen {
  private seq = 0;
  private readonly waiting = new Map<number, (r: LoadgenReply) => void>();
  readonly rooms = new Set<string>();
  private exited = false;

  constructor(readonly child: ChildProcess) {
    child.on("message", (raw) => {
      const r = raw as LoadgenReply;
      this.waiting.get(r.seq)?.(r);
      this.waiting.delete(r.seq);
    });
    child.once("exit", (code) => {
      this.exited = true;
      for (const w of this.waiting.values()) w({ seq: -1, ok: false, error: `load generator exited (${code})` });
      this.waiting.clear();
    });
  }

  async call(body: Body<LoadgenRequest>): Promise<Extract<LoadgenReply, { ok: true }>> {
    if (this.exited) throw new Error("load generator is gone");
    const seq = ++this.seq;
    const reply = new Promise<LoadgenReply>((r) => this.waiting.set(seq, r));
    this.child.send({ ...body, seq } as LoadgenRequest);
    const r = await reply;
    if (!r.ok) throw new Error(r.error);
    return r;
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

export class Fleet {
  private constructor(private readonly gens: Loadgen[]) {}

  static start(count: number, cpus: string | null): Fleet {
    const entry = resolve(import.meta.dirname, "loadgen.ts");
    const gens = Array.from({ length: count }, () => {
      // BENCH_LOADGEN_NODE_FLAGS: extra Node/V8 flags for the load generators only (e.g. "--trace-gc" to see their pauses).
      const flags = (process.env["BENCH_LOADGEN_NODE_FLAGS"] ?? "").split(" ").filter((f) => f !== "");
      const child = fork(entry, [], { execArgv: ["--expose-gc", ...flags, "--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      if (cpus && child.pid) {
        try {
          execFileSync("taskset", ["-a", "-p", "-c", cpus, String(child.pid)], { stdio: "ignore" });
        } catch {
          // Unpinned: the results record the pinning of the parent only.
        }
      }
      return new Loadgen(child);
    });
    return new Fleet(gens);
  }

  get size(): number {
    return this.gens.length;
  }

  pids(): number[] {
    return this.gens.map((g) => g.child.pid).filter((p): p is number => p !== undefined);
  }

  async init(target: Target): Promise<void> {
    await Promise.all(this.gens.map((g) => g.call({ cmd: "init", target })));
  }

  /** Open rooms spread over the load generators; resolves when every new room races. Returns key → room id. */
  async open(specs: readonly OpenSpec[], matchSeconds: number, timeoutMs: number): Promise<Map<string, string>> {
    const share = new Map<Loadgen, OpenSpec[]>();
    for (const spec of specs) {
      const g = [...this.gens].sort((a, b) => a.rooms.size + (share.get(a)?.length ?? 0) - (b.rooms.size + (share.get(b)?.length ?? 0)))[0] as Loadgen;
      share.set(g, [...(share.get(g) ?? []), spec]);
    }
    const out = new Map<string, string>();
    await Promise.all(
      [...share].map(async ([g, rooms]) => {
        for (const r of rooms) g.rooms.add(r.key);
        const reply = await g.call({ cmd: "open", rooms, matchSeconds, timeoutMs });
        for (const o of reply.opened ?? []) out.set(o.key, o.id);
      }),
    );
    return out;
  }

  async close(keys: readonly string[]): Promise<void> {
    await Promise.all(
      this.gens.map((g) => {
        const mine = keys.filter((k) => g.rooms.has(k));
        for (const k of mine) g.rooms.delete(k);
        return mine.length ? g.call({ cmd: "close", keys: mine }) : Promise.resolve();
      }),
    );
  }

  async mark(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.call({ cmd: "mark" })));
  }

  /** End the window in every load generator and pool the reductions; also their CPU in cores and the worst event-loop delay p99. */
  async collect(ackGraceMs: number): Promise<{ window: WindowReduction; loadgenCores: number } & LoadgenStalls> {
    const replies = await Promise.all(this.gens.map((g) => g.call({ cmd: "collect", ackGraceMs })));
    const parts = replies.map((r) => r.window).filter((w): w is NonNullable<typeof w> => w !== undefined);
    const loadgenCores = parts.reduce((s, p) => s + p.loadgenCpuMs / 1000 / Math.max(p.loadgenSeconds, 1e-3), 0);
    const worst = (f: (p: LoadgenStalls) => number) => Math.max(0, ...parts.map(f));
    return {
      window: mergeReductions(parts),
      loadgenCores,
      eldP99Ms: worst((p) => p.eldP99Ms),
      eldMaxMs: worst((p) => p.eldMaxMs),
      gcMaxMs: worst((p) => p.gcMaxMs),
      gcMs: worst((p) => p.gcMs),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.gens.map((g) => Promise.race([g.call({ cmd: "exit" }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))])));
    for (const g of this.gens) g.kill();
  }
}
