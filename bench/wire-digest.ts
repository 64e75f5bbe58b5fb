/**
 * A fingerprint of what seeded runner races put on the wire and in storage, to compare two trees whose
 * change must not alter behaviour (bench/results/fx-heap-2026-12-07.md): run it in each, compare the
 * lines. Six 4-player races (seeds 1-6) on the in-process stepper with scripted players, a spectator
 * joining, a player dropping and resuming, re-sent input ids, a restart from storage, and drains with
 * nothing new (as the host's flush may make); each line is a sha256 of every frame delivered
 * (connection, kind and bytes, in order), of every write (record, actions, journal as handed to
 * storage), of the final action log and of the stored record.
 *
 * Usage: npx tsx bench/wire-digest.ts
 */
import { createHash } from "node:crypto";
import { pack } from "msgpackr";
import { runner } from "../src/games/runner";
import { RoomStepper, type StepperOutput } from "../src/testing/room-stepper";
import { sendScriptedInputs } from "../test/support/scripted-race";

function race(seed: number): string[] {
  const frames = createHash("sha256");
  const writes = createHash("sha256");
  let count = 0;
  const r = new RoomStepper(
    { game: "runner", seats: 4, options: { durationSeconds: 20 } },
    { games: [runner], seed, onWrite: (record, actions, journal) => writes.update(pack([record, actions, journal])) },
  );
  r.tap((o: StepperOutput) => {
    count++;
    frames.update(`${o.kind}|${o.conn}|`);
    if (o.kind === "frame") frames.update(o.bytes);
    else if (o.kind === "text") frames.update(o.text);
    else frames.update(`${o.code}|${o.reason}`);
  });
  const conns = ["c0", "c1", "c2", "c3"];
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  const ids = conns.map(() => 0);
  let empty = 0;
  let kEnd = 0;
  for (let k = 0; r.core.record.status === "playing" && k < 600; k++) {
    kEnd = k;
    if (k === 150) r.disconnect("c3");
    const live = k >= 150 && k < 200 ? conns.slice(0, 3) : conns;
    sendScriptedInputs(r, live, ids);
    if (k % 7 === 3) r.send("c1", { t: "input", id: ids[1] ?? 0, data: { type: "jump" } });
    r.advance(50);
    // A drain with nothing new since the last one hands out nothing.
    const fx = r.core.drain();
    empty += fx.frames.length + fx.texts.length + fx.closes.length + fx.actions.length + fx.journal.length;
    if (k === 60) r.connect("s", "spectator", "spectator");
    if (k === 200) {
      r.connect("c3b", "p3", "player", 1, { session: "session-p3", lastSeq: r.core.record.seq });
      conns[3] = "c3b";
    }
    if (k === 250) {
      // Rebuilt from storage: every connection is gone; the players resume.
      r.restart();
      conns.forEach((c, i) => {
        conns[i] = `${c}r`;
        r.connect(`${c}r`, `p${i}`, "player", 1, { session: `session-p${i}`, lastSeq: r.core.record.seq });
      });
    }
  }
  const log = createHash("sha256").update(pack(r.actions)).digest("hex");
  const stored = createHash("sha256").update(pack(r.durable)).digest("hex");
  return [`seed ${seed}: k ${kEnd}, ${count} deliveries, frames ${frames.digest("hex").slice(0, 16)}, writes ${writes.digest("hex").slice(0, 16)}, log ${log.slice(0, 16)} (${r.actions.length}), stored ${stored.slice(0, 16)}, status ${r.core.record.status}, empty drains' items ${empty}`];
}

for (let seed = 1; seed <= 6; seed++) console.log(race(seed).join("\n"));
