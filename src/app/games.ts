/**
 * The games this app hosts: the one list where the app names its games (server, pages and tools read
 * it; the lobby shows them in this order). One entry per line, so adding a game adds lines and
 * changes none.
 */
import { connectFour } from "../games/connect-four";
import { liarsDice } from "../games/liars-dice";
import { runner } from "../games/runner";

export const games = [
  connectFour,
  runner,
  liarsDice,
] as const;
