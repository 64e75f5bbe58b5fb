/** The room's public status: what the status endpoint and the RPC results report about a match. */
import type { PublicStatus } from "../../protocol/http-api";
import { stateHash } from "../../protocol";
import { snapshot } from "./lifecycle";
import type { RoomOps } from "./room-ops";
import { hashPublic } from "./audience";

// The schema of this answer lives with the rest of the HTTP API in src/protocol/http-api.ts.
export type { PublicStatus } from "../../protocol/http-api";

export function publicStatus(core: RoomOps): PublicStatus {
  const snap = snapshot(core.record, core.game, null, (s) => core.conns.seatConnected(s));
  return {
    matchId: snap.matchId,
    game: snap.game,
    mode: snap.mode,
    status: snap.status,
    round: snap.round,
    seats: snap.seats.map(({ seat, name, kind, claimed, connected }) => ({ seat, name, kind, claimed, connected })),
    turn: snap.turn,
    turnDeadline: snap.turnDeadline,
    result: snap.result,
    spectators: core.conns.spectatorCount(),
    createdAt: core.record.createdAt,
    endedAt: core.record.endedAt,
    seq: core.record.seq,
    stateHash: hashPublic(core.game, core.record) ? stateHash(core.record.game) : null,
  };
}
