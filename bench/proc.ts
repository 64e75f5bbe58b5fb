/**
 * Server-side measurements from /proc (Linux): the CPU time and resident
 * memory of the workerd processes that `wrangler dev` spawned, found by their
 * parent chain from the wrangler pid, never by name alone. Also the machine
 * description.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
}

export interface CpuSample {
  /** utime + stime of the workerd processes, ms. */
  readonly workerdMs: number;
  /** utime + stime of the other processes of the tree (wrangler's Node processes, esbuild), ms. */
  readonly toolingMs: number;
  /** VmRSS summed over the workerd processes, bytes. */
  readonly workerdRss: number;
  /** performance.now() when sampled. */
  readonly at: number;
}

const CLK_TCK = readClockTicks();

function readClockTicks(): number {
  try {
    const v = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process exited meanwhile
  }
}

/** Parse /proc/<pid>/stat: the comm field may contain spaces and parentheses, so split after the last ')'. */
function parseStat(text: string): { comm: string; ppid: number; ticks: number } | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < 0) return null;
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return { comm: text.slice(open + 1, close), ppid, ticks: utime + stime };
}

function allProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    const parsed = stat === null ? null : parseStat(stat);
    if (parsed) out.push({ pid: Number(name), ppid: parsed.ppid, comm: parsed.comm });
  }
  return out;
}

/** The process tree of one `wrangler dev`: the wrangler process and all its descendants. */
export function findServerTree(rootPid: number): { workerd: number[]; tooling: number[] } {
  const procs = allProcesses();
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  const members = procs.filter((p) => tree.has(p.pid));
  return {
    workerd: members.filter((p) => p.comm === "workerd").map((p) => p.pid),
    tooling: members.filter((p) => p.comm !== "workerd").map((p) => p.pid),
  };
}

export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readText(`/proc/${pid}/stat`);
    const parsed = stat === null ? null : parseStat(stat);
    if (parsed) ticks += parsed.ticks;
  }
  return (ticks * 1000) / CLK_TCK;
}

/** CPU seconds (user + system) used so far by the workerd processes under `rootPid`; NaN without /proc. */
export function workerdCpuSeconds(rootPid: number): number {
  if (!existsSync("/proc")) return NaN;
  return cpuMs(findServerTree(rootPid).workerd) / 1000;
}

export function rssBytes(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readText(`/proc/${pid}/status`) ?? "");
    if (m) kb += Number(m[1]);
  }
  return kb * 1024;
}

export class ServerProbe {
  private tree: { workerd: number[]; tooling: number[] };

  constructor(private readonly rootPid: number) {
    this.tree = findServerTree(rootPid);
    if (this.tree.workerd.length === 0) throw new Error(`no workerd process found under wrangler pid ${rootPid}`);
  }

  get pids(): { workerd: readonly number[]; tooling: readonly number[] } {
    return this.tree;
  }

  sample(): CpuSample {
    return { workerdMs: cpuMs(this.tree.workerd), toolingMs: cpuMs(this.tree.tooling), workerdRss: rssBytes(this.tree.workerd), at: performance.now() };
  }

  /** Re-scan the tree (wrangler may restart workerd); returns true when it changed. */
  refresh(): boolean {
    const next = findServerTree(this.rootPid);
    const changed = next.workerd.join() !== this.tree.workerd.join();
    if (next.workerd.length > 0) this.tree = next;
    return changed;
  }
}

/** Whole-machine CPU from /proc/stat, ms summed over all cores: busy (user, nice, system, irq, softirq) and steal. */
export function machineCpu(): { busyMs: number; stealMs: number; at: number } {
  const line = (readText("/proc/stat") ?? "").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number) => v[i] ?? 0;
  const toMs = (ticks: number) => (ticks * 1000) / CLK_TCK;
  return { busyMs: toMs(at(0) + at(1) + at(2) + at(5) + at(6)), stealMs: toMs(at(7)), at: performance.now() };
}

/** CPU time of this Node process (the load generator) between two calls, as a fraction of one core. */
export class LoadgenCpu {
  private last = process.cpuUsage();
  private lastAt = performance.now();

  reset(): void {
    this.last = process.cpuUsage();
    this.lastAt = performance.now();
  }

  fraction(): number {
    const d = process.cpuUsage(this.last);
    const wallUs = (performance.now() - this.lastAt) * 1000;
    return wallUs > 0 ? (d.user + d.system) / wallUs : NaN;
  }
}

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly kernel: string;
  readonly memoryGiB: number;
  readonly date: string;
  readonly clockTicksPerSecond: number;
}

export function machineInfo(): Machine {
  const cpuinfo = readText("/proc/cpuinfo") ?? "";
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  return {
    cpuModel: model,
    cores: cpus().length,
    node: process.version,
    kernel: release(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    date: new Date().toISOString(),
    clockTicksPerSecond: CLK_TCK,
  };
}

/**
 * CPU used by processes other than the server tree and this one over `ms`, in cores (the machine
 * may be shared with other work).
 */
export async function otherLoad(probe: ServerProbe, ms: number): Promise<number> {
  const s0 = probe.sample();
  const m0 = machineCpu();
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const s1 = probe.sample();
  const m1 = machineCpu();
  const c = process.cpuUsage(c0);
  const ours = s1.workerdMs - s0.workerdMs + (s1.toolingMs - s0.toolingMs) + (c.user + c.system) / 1000;
  return Math.max(0, (m1.busyMs - m0.busyMs - ours) / (m1.at - m0.at));
}

/** Wait (at most `maxMs`) until other processes use less than `cores`; returns the last reading. */
export async function waitForQuiet(probe: ServerProbe, cores: number, maxMs: number): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const load = await otherLoad(probe, 1000);
    if (load < cores || performance.now() >= deadline) return load;
  }
}
