#!/usr/bin/env node
// Play a whole Connect Four match against the server-side AI from a script.
//
//   node examples/play-vs-ai.mjs [http://localhost:8787] [easy|medium|hard]
//
// Written against docs/protocol.md with plain `ws` and `msgpackr` (no SDK), to
// show what a compatible client needs: a guest token, a match, a join ticket,
// binary msgpack frames, a text "ping" heartbeat, and input ids.
import { Packr, Unpackr } from "msgpackr";
import WebSocket from "ws";

const base = process.argv[2] ?? "http://localhost:8787";
const level = process.argv[3] ?? "easy";
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

async function post(path, body, token) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const me = await post("/api/guest", { name: "Script" });
const { matchId } = await post("/api/matches", { game: "connect-four", mode: "ai", aiLevel: level }, me.token);
const { url } = await post(`/api/matches/${matchId}/ticket`, {}, me.token);
console.log(`match ${matchId}: playing against the ${level} AI`);

const ws = new WebSocket(url);
ws.binaryType = "nodebuffer";
let nextId = 1;
let mySeat = null;
const heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 5000);

function maybeMove(room) {
  if (room.status !== "playing" || room.turn !== mySeat) return;
  const top = room.view.board[5];
  const column = [3, 2, 4, 1, 5, 0, 6].find((c) => top[c] === 0);
  ws.send(packr.pack({ t: "input", id: nextId++, data: { type: "dropDisc", column } }));
}

ws.on("message", (data, isBinary) => {
  if (!isBinary) return; // "pong"
  const frame = unpackr.unpack(data);
  if (frame.t === "welcome") {
    mySeat = frame.you.seat;
    maybeMove(frame.room);
  } else if (frame.t === "update") {
    for (const e of frame.events) {
      if (e.type === "playerMove" || e.type === "aiMove") console.log(`  seat ${e.seat} -> column ${e.column}`);
    }
    if (frame.room.status === "finished") {
      const r = frame.room.result;
      console.log(`result: ${r.reason}${r.winner === null ? "" : `, winner seat ${r.winner}`}`);
      clearInterval(heartbeat);
      ws.close(1000);
      return;
    }
    maybeMove(frame.room);
  } else if (frame.t === "gameError" || frame.t === "error") {
    console.error(`  ${frame.t}: ${frame.code} ${frame.message}`);
  }
});
ws.on("close", (code) => {
  clearInterval(heartbeat);
  if (code !== 1000 && code !== 1005) {
    console.error(`closed with ${code}`);
    process.exitCode = 1;
  }
});
