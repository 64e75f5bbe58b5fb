/**
 * One private-match join code (binding CODES, one object per code, named "code:<CODE>"): which match it
 * opens. The worker checks the match on every lookup and releases the code once the match is closed or
 * gone, so a code lives exactly as long as its match; an alarm frees an abandoned code after CODE_MAX_AGE_MS
 * even if nobody looks it up again.
 */
import { DurableObject } from "cloudflare:workers";

/** Longest life of a code whatever its match does (a room closes well before this). */
export const CODE_MAX_AGE_MS = 7 * 24 * 3600_000;

export class CodeObject extends DurableObject<unknown> {
  /** Take this code for a match; false when it already names another live match. */
  async claim(matchId: string): Promise<boolean> {
    const held = await this.ctx.storage.get<string>("matchId");
    if (held !== undefined && held !== matchId) return false;
    await this.ctx.storage.put("matchId", matchId);
    await this.ctx.storage.setAlarm(Date.now() + CODE_MAX_AGE_MS);
    return true;
  }

  async resolve(): Promise<string | null> {
    return (await this.ctx.storage.get<string>("matchId")) ?? null;
  }

  /** Free the code (its match is over): a later claim may reuse it. */
  async release(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
