/**
 * Soak phase: code reloads mid-match. The worker is reloaded in place (miniflare's setOptions with the
 * bundle re-read from disk, the call `wrangler dev` makes when a source file changes): every socket
 * drops and every room loses its memory, persisted state stays. Connect Four matches play on through
 * the reloads and every exact count stays asserted: each client welcomed back exactly once per
 * reload and resumed by replay, no seq gap or duplicate, nothing lost or applied twice, every
 * client's rebuilt state equal to the room's.
 */
import { Rng, mixSeed } from "../../src/games/rng";
import { C4Match, randomColumn, verifyMatch } from "../../test/support/fault-c4";
import { auditSeqs, FaultClient, now, type FaultStack } from "../../test/support/fault-harness";
import type { Ledger } from "./ledger";

const MATCHES = 3;

export async function reloadsPhase(stack: FaultStack, ledger: Ledger, opts: { reloads: number; seed: number }): Promise<Record<string, unknown>> {
  const started = now();
  let done = false;
  const clients: FaultClient[] = [];
  const open = async (label: string, token: string, matchId: string, s: number) => {
    const c = await FaultClient.open({ stack, label, token, matchId, seed: mixSeed(opts.seed, 0x7e10 + s) });
    clients.push(c);
    return c;
  };
  const matches = await Promise.all(Array.from({ length: MATCHES }, (_, i) => C4Match.create(stack, { label: `reload${i}`, seed: mixSeed(opts.seed, 0x7e00 + i), wantAnotherRound: () => !done }, open)));
  const playing = matches.map((m, i) => m.play(randomColumn, mixSeed(opts.seed, 0x7f00 + i)));
  const rng = new Rng(mixSeed(opts.seed, 0x7e1d));
  const welcomesBefore = new Map<FaultClient, number>();
  for (const c of clients) welcomesBefore.set(c, c.welcomes.length);
  const reloadMs: number[] = [];
  for (let r = 0; r < opts.reloads; r++) {
    // Mid-match: each match has made 1–4 more acknowledged moves since the last reload.
    await Promise.all(matches.map((m) => m.progress(1 + rng.int(4))));
    const back = clients.map((c) => c.nextOpen());
    const t = now();
    await stack.reload();
    reloadMs.push(now() - t);
    await Promise.all(back);
    process.stderr.write(`reload ${r + 1}/${opts.reloads}\n`);
  }
  done = true;
  await Promise.all(playing);
  const checks = await Promise.all(matches.map((m) => verifyMatch(stack, m)));
  const audits = clients.map((c) => auditSeqs(c.seqLog));
  const welcomesAfter = clients.map((c) => c.welcomes.length - welcomesBefore.get(c)!);
  const P = "reloads";
  ledger.eq(P, "code reloads mid-match", reloadMs.length, opts.reloads);
  ledger.eq(P, "clients welcomed back exactly once per reload", welcomesAfter.filter((n) => n === opts.reloads).length, clients.length);
  ledger.eq(P, "resumes by replay", audits.reduce((n, a) => n + a.replayed, 0), clients.length * opts.reloads);
  ledger.eq(P, "acknowledged inputs lost", checks.reduce((n, c) => n + c.lost, 0), 0);
  ledger.eq(P, "inputs applied twice", checks.reduce((n, c) => n + c.duplicated, 0), 0);
  ledger.eq(P, "seq gaps / duplicates", audits.reduce((n, a) => n + a.gaps + a.duplicates, 0), 0);
  ledger.eq(P, "duplicate updates sent by the room", clients.reduce((n, c) => n + c.client.stats.duplicateUpdates, 0), 0);
  ledger.eq(P, "matches whose clients' boards differ from the room's state", checks.filter((c) => !c.finalStateMatches || c.roundHashMismatches > 0).length, 0);
  ledger.holds(P, "no other problem", checks.every((c) => c.problems.length === 0) && matches.every((m) => m.refused.length === 0), [...checks.flatMap((c) => c.problems), ...matches.flatMap((m) => m.refused)].join("; "));
  const acked = matches.reduce((n, m) => n + m.acked.length, 0);
  ledger.atLeast(P, "moves acknowledged", acked, opts.reloads);
  const sorted = [...reloadMs].sort((a, b) => a - b);
  ledger.note(P, `reload → answering again: median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms; ${Math.round((now() - started) / 1000)} s`);
  for (const c of clients) c.close();
  return { reloads: reloadMs.length, clients: clients.length, acked, lost: checks.reduce((n, c) => n + c.lost, 0), doubled: checks.reduce((n, c) => n + c.duplicated, 0), seconds: Math.round((now() - started) / 1000) };
}
