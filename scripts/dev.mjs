#!/usr/bin/env node
// `npm run dev`: make sure .dev.vars (git-ignored, read only by `wrangler dev`) holds the
// development configuration, then start `wrangler dev` with local Durable Objects and persisted
// local state (.wrangler/state). Secrets are generated once; production reads AUTH_SECRET from
// `wrangler secret put AUTH_SECRET` and refuses to issue tokens without it. wrangler.toml's
// [vars] are the production defaults (no extra origins, guests off); the development values
// below are added here so that a plain `wrangler deploy` can never ship them.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vars = join(root, ".dev.vars");
let current = existsSync(vars) ? readFileSync(vars, "utf8") : "";
/** Appends NAME=<random hex> to .dev.vars unless a long enough value is already there. */
function ensureVar(name, minLength) {
  if (new RegExp(`^${name}=.{${minLength},}$`, "m").test(current)) return;
  current += (current && !current.endsWith("\n") ? "\n" : "") + `${name}=${randomBytes(32).toString("hex")}\n`;
  writeFileSync(vars, current, { mode: 0o600 });
  console.log(`edgeroom: generated a local ${name} in .dev.vars (development only).`);
}
/** Appends NAME=value to .dev.vars unless NAME is already set there (a developer's own value wins). */
function ensureValue(name, value) {
  if (new RegExp(`^${name}=`, "m").test(current)) return;
  current += (current && !current.endsWith("\n") ? "\n" : "") + `${name}=${value}\n`;
  writeFileSync(vars, current, { mode: 0o600 });
  console.log(`edgeroom: set ${name}=${value} in .dev.vars (development only).`);
}
ensureVar("AUTH_SECRET", 32);
// The operator token guards GET /api/matches/:id/metrics; read it from .dev.vars to watch a local room.
ensureVar("OPERATOR_TOKEN", 24);
// The lobby creates guest identities; pages served by `wrangler dev` on its default port may call the API.
ensureValue("ALLOW_GUESTS", "true");
// Outside Cloudflare nothing strips a client-sent CF-Connecting-IP, so it must not key the rate limits.
ensureValue("TRUST_CF_CONNECTING_IP", "false");
ensureValue("ALLOWED_ORIGINS", "http://localhost:8787,http://127.0.0.1:8787");

const wrangler = join(root, "node_modules", ".bin", "wrangler");
const child = spawn(wrangler, ["dev", ...process.argv.slice(2)], { stdio: "inherit", cwd: root });
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
