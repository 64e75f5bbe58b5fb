/** A child process's stdout and stderr, collected (optionally only the last `limit` characters) and waited on. */
import type { ChildProcess } from "node:child_process";

export interface ProcessOutput {
  /** Everything printed so far (or its tail). */
  readonly text: () => string;
  /** Resolves once the output so far satisfies `pred`, checked now and on every chunk the process prints. */
  readonly until: (pred: (out: string) => boolean) => Promise<void>;
}

export function collectOutput(child: ChildProcess, limit = Infinity): ProcessOutput {
  let out = "";
  const append = (d: unknown) => {
    out += String(d);
    if (out.length > limit) out = out.slice(-limit);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const until = (pred: (out: string) => boolean) =>
    new Promise<void>((resolve) => {
      // Registered after the collecting listeners, so `out` already holds the chunk when this runs.
      const check = () => {
        if (!pred(out)) return;
        child.stdout?.off("data", check);
        child.stderr?.off("data", check);
        resolve();
      };
      child.stdout?.on("data", check);
      child.stderr?.on("data", check);
      check();
    });
  return { text: () => out, until };
}
