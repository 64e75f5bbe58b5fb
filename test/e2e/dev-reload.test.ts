/**
 * `npm run dev` reloads on a change under src/ (and web/): a copy of the project is started with the
 * README's own dev command, a worker source file is edited while it runs, and the running server
 * answers with the edited code after wrangler reports the reload.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/wrangler-dev";

const root = resolve(import.meta.dirname, "../..");
const copy = mkdtempSync(join(tmpdir(), "edgeroom-dev-reload-"));
let stop: (() => Promise<void>) | null = null;

afterAll(async () => {
  await stop?.();
  rmSync(copy, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("picks up an edit under src/ without a restart", async () => {
    for (const part of ["src", "web", "scripts", "wrangler.toml", "package.json", "tsconfig.json"]) {
      cpSync(join(root, part), join(copy, part), { recursive: true, filter: (p) => !p.includes("web-dist") });
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
    const port = await freePort();
    const inspector = await freePort();
    const child = spawn(process.execPath, ["scripts/dev.mjs", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--show-interactive-dev-session=false"], {
      cwd: copy,
      env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    const waiters: Array<() => void> = [];
    const onData = (d: unknown) => {
      out += String(d);
      for (const w of [...waiters]) w();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    stop = async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
      await exited;
    };
    const until = (pred: (s: string) => boolean) =>
      new Promise<void>((res) => {
        const check = () => {
          if (!pred(out)) return;
          waiters.splice(waiters.indexOf(check), 1);
          res();
        };
        waiters.push(check);
        check();
      });
    const readyLines = (s: string) => (s.match(/Ready on http/g) ?? []).length;
    await until((s) => readyLines(s) >= 1);
    const before = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    // .dev.vars lists localhost origins, which /health notes; the edit below adds a field.
    expect(before).toMatchObject({ status: "ok" });
    expect(before).not.toHaveProperty("edited");

    const file = join(copy, "src/worker/routes/health.ts");
    const marker = out.length;
    writeFileSync(file, readFileSync(file, "utf8").replace('{ status: "ok", notes }', '{ status: "ok", notes, edited: true }'));
    // wrangler prints a reload line once the rebuilt worker serves (its own signal, not a sleep).
    await until((s) => /Reloading local server|Local server updated/i.test(s.slice(marker)));
    await until((s) => /Local server updated and ready|Ready on http/i.test(s.slice(marker)));
    const after = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(after).toMatchObject({ status: "ok", edited: true });
  });
});
