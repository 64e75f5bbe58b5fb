/** The reference app's games as a registry, for tests and tools that look games up by id. */
import { games } from "../../src/app/games";
import { GameRegistry } from "../../src/games/registry";

export const appGames = new GameRegistry(games);
