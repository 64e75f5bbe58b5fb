/** The games one deployment hosts, looked up by id. Built from the app's own list (see createEdgeroom). */
import type { AnyGame } from "./types";

export class GameRegistry {
  private readonly byId: ReadonlyMap<string, AnyGame>;

  constructor(games: readonly AnyGame[]) {
    const byId = new Map<string, AnyGame>();
    for (const game of games) {
      if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(game.id)) throw new Error(`Game id "${game.id}" must be 1–32 of a-z, 0-9 and "-", starting with a letter or digit.`);
      if (byId.has(game.id)) throw new Error(`Two games share the id "${game.id}".`);
      byId.set(game.id, game);
    }
    if (byId.size === 0) throw new Error("An Edgeroom deployment needs at least one game.");
    this.byId = byId;
  }

  find(id: string): AnyGame | undefined {
    return this.byId.get(id);
  }

  get ids(): readonly string[] {
    return [...this.byId.keys()];
  }

  get all(): readonly AnyGame[] {
    return [...this.byId.values()];
  }
}
