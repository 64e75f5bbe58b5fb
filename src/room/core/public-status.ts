/** The room's public status: what the status endpoint and the RPC results report about a match. */
import type { Seat } from "../../games/types";
import { stateHash } from "../../protocol";
import { snapshot } from "./lifecycle";
import type { RoomRecord } from "./record";
import type { RoomOps } from "./room-ops";
import { hashPublic } from "./audience";

export interface PublicStatus {
  matchId: string;
  game: string;
  mode: "pvp" | "ai";
  status: RoomRecord["status"];
  round: number;
  seats: { seat: number; name: string; kind: "human" | "ai"; claimed: boolean; connected: boolean }[];
  turn: Seat | null;
  turnDeadline: number | null;
  result: RoomRecord["result"];
  spectators: number;
  createdAt: number;
  endedAt: number | null;
  /** Sequence number of the latest update. */
  seq: number;
  /** Checksum of the authoritative game state (see welcome.stateHash); null while a game with secrets is played. */
  stateHash: string | null;
}

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
