// `npm run verify-replay -- <replay.json | http(s)://host/api/matches/:id/replay>`
// Re-simulates a finished match from its published seed, settings and action
// log and confirms the recorded result. Exit code 0 when it matches, 1 when not.
import { readFileSync } from "node:fs";
import { verifyReplay } from "../src/replay/verify";
import { GameRegistry } from "../src/games/registry";
import { games } from "../src/app/games";

const appGames = new GameRegistry(games);

const source = process.argv[2];
if (!source) {
  console.error("usage: npm run verify-replay -- <replay.json | http(s)://host/api/matches/:id/replay>");
  process.exit(2);
}
const raw: unknown = /^https?:\/\//.test(source) ? await (await fetch(source)).json() : JSON.parse(readFileSync(source, "utf8"));
const v = verifyReplay(raw, appGames);
for (const r of v.rounds) console.log(`round ${r.round}: seed ${r.seedOk ? "matches its published commitment" : "DOES NOT match its commitment"}; result ${JSON.stringify(r.result)}; state ${r.stateHash}`);
if (v.ok) {
  console.log(`verified: the recorded result ${JSON.stringify(v.result)} is what the action log produces.`);
} else {
  console.error(`NOT verified: ${v.reason}`);
  process.exit(1);
}
