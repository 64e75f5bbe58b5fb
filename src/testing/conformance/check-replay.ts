/**
 * (b) Replay: matches played through the room (against the room's AI when
 * the game has one, else between driven players) re-simulate with
 * verifyReplay to the recorded result and to the room's final state hash,
 * which is also what a welcome after the end publishes.
 */
import { stateHash } from "../../protocol";
import { verifyReplay } from "../../replay/verify";
import { seatsFor, type Resolved } from "./options";
import { deepEqual } from "./plain-data";
import { playInRoom, registryOf, replayOf } from "./room-match";

export function checkReplay(r: Resolved): void {
  const matches = Math.max(2, Math.ceil(r.seeds.length / 3));
  r.seeds.slice(0, matches).forEach((seed, i) => {
    const seats = seatsFor(r, i);
    const ai = r.game.ai !== undefined && !r.game.realtime && i % 2 === 0;
    const { room } = playInRoom(r, { seed, seats, ai, spectator: false, resume: i % 2 === 1 });
    const rec = room.core.record;
    const where = `seed ${seed}, ${seats} seats${ai ? " against the AI" : ""}`;
    if (rec.status !== "finished") throw new Error(`${where}: the match did not end within ${r.maxSteps} steps (raise maxSteps, or make the inputs option play to a finish)`);
    const doc = JSON.parse(JSON.stringify(replayOf(room)));
    const v = verifyReplay(doc, registryOf(r));
    if (!v.ok) throw new Error(`${where}: verifyReplay refused the match: ${v.reason}`);
    if (!deepEqual(v.result, rec.result)) throw new Error(`${where}: re-simulation gives ${JSON.stringify(v.result)}, the room recorded ${JSON.stringify(rec.result)}`);
    const finalHash = stateHash(rec.game);
    if (v.rounds.at(-1)?.stateHash !== finalHash) throw new Error(`${where}: re-simulation ends on state hash ${v.rounds.at(-1)?.stateHash}, the room on ${finalHash}`);
    room.connect("after-the-end", "late-watcher", "spectator");
    const w = room.last("after-the-end", "welcome");
    if (w?.stateHash !== finalHash) throw new Error(`${where}: a welcome after the end publishes state hash ${w?.stateHash ?? "none"}, not ${finalHash}`);
  });
}
