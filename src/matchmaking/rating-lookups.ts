/**
 * A queue's rating look-ups, coalesced: at most one call to the ratings store is in flight per game,
 * and the joins that arrive meanwhile are asked for together in the next call. Every queue asks the one
 * global ratings object for each joining player's mean; in a burst that was one round trip per join to
 * a single object, now it is one per batch, and a lone join still goes out at once (no timer).
 */
export type FetchMeans = (game: string, playerIds: string[]) => Promise<readonly (number | undefined)[]>;

interface Waiter {
  readonly playerId: string;
  readonly resolve: (mean: number | undefined) => void;
  readonly reject: (err: unknown) => void;
}

export class RatingLookups {
  private readonly inFlight = new Set<string>();
  private readonly next = new Map<string, Waiter[]>();

  constructor(private readonly fetchMeans: FetchMeans) {}

  /** The player's mean in this game as the store answers it (undefined when it has none). */
  mean(game: string, playerId: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.next.get(game) ?? [];
      waiting.push({ playerId, resolve, reject });
      this.next.set(game, waiting);
      if (!this.inFlight.has(game)) void this.send(game);
    });
  }

  private async send(game: string): Promise<void> {
    const batch = this.next.get(game);
    if (!batch) return;
    this.next.delete(game);
    this.inFlight.add(game);
    try {
      const means = await this.fetchMeans(game, batch.map((w) => w.playerId));
      batch.forEach((w, i) => w.resolve(means[i]));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight.delete(game);
      if (this.next.has(game)) void this.send(game);
    }
  }
}
