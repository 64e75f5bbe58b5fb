/** The Connect Four AI stays optimised by V8 once optimised: no deoptimise-and-recompile cycles inside moves. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../support/c4-ai-optimised.ts", import.meta.url));

describe("Connect Four AI under V8's optimising compiler", () => {
  it("keeps chooseColumn optimised through seeded games once V8 has optimised it.", { timeout: 120_000 }, () => {
    // A child process, because V8's intrinsics need --allow-natives-syntax and plain
    // Node modules (Vitest rewrites imports, which changes what V8 compiles).
    const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", script], { encoding: "utf8" });
    const result = JSON.parse(out.trim().split("\n").at(-1) ?? "") as { calls: number; optimisedAfterEveryCall: boolean; status: number };
    expect(result.calls).toBeGreaterThan(30);
    expect(result, `V8 optimisation status ${result.status.toString(2)}`).toMatchObject({ optimisedAfterEveryCall: true });
  });
});
