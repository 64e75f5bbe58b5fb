/** The games this deployment can host, by id. */
import type { AnyGame } from "./types";
import { connectFour } from "./connect-four";
import { runner } from "./runner";

const GAMES: ReadonlyMap<string, AnyGame> = new Map<string, AnyGame>([
  [connectFour.id, connectFour],
  [runner.id, runner],
]);

export const GAME_IDS: readonly string[] = [...GAMES.keys()];

export function findGame(id: string): AnyGame | undefined {
  return GAMES.get(id);
}
