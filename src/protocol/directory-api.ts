/**
 * The room directory (docs/protocol.md §3.16–§3.17): what a room reports to the room index, and the
 * answers of GET /api/rooms (public rooms with open seats) and GET /api/admin/rooms (every live room,
 * operator token). The index validates reports with these; the handlers and the OpenAPI document use
 * the query and answer schemas.
 */
import * as z from "zod";
import { str, num, int, bool, nonNegInt, posInt, strOrNull, nonEmptyStr, seatKind, matchMode } from "./zod-shared";

/** The states a listed room can be in; a finished or closed room leaves the directory. */
export const DirectoryState = z.enum(["waiting", "playing", "finished", "closed"]);

/** One seat's holder as the room reports it (the public list drops `playerId` and `kind`). */
export const DirectoryPlayer = z.object({
  playerId: str.max(128),
  name: str.max(64),
  seat: nonNegInt,
  kind: seatKind,
  connected: bool,
});

/**
 * A room's report to the index. `version` grows with every report of that room (the index ignores a
 * report whose version is not above the one it holds), so a retried or reordered report is harmless.
 */
export const RoomReport = z.object({
  matchId: nonEmptyStr.max(64),
  version: nonNegInt,
  game: nonEmptyStr.max(32),
  mode: matchMode,
  state: DirectoryState,
  /** Listed in the public directory: created with POST /api/matches, mode pvp, not private. */
  listed: bool,
  seats: posInt,
  openSeats: nonNegInt,
  players: z.array(DirectoryPlayer).max(64),
  spectators: nonNegInt,
  createdAt: num,
  /** Action-log entries (inputs, rounds, forfeits) per second since the room's previous report. */
  inputsPerSecond: num.min(0),
  /** Rows in the room's SQLite storage right now. */
  storageRows: nonNegInt,
  /**
   * When the room will report again at the latest (ms since epoch): a minute out while anyone is
   * connected, else its next scheduled wake (a timer, or the cleanup of an abandoned room). The index
   * forgets the room some time after this.
   */
  refreshBy: num,
});
export type RoomReport = z.infer<typeof RoomReport>;

export const DIRECTORY_PAGE_MAX = 100;
export const DIRECTORY_PAGE_DEFAULT = 20;

/** An opaque page cursor: `<createdAt>.<matchId>` of the last room of the previous page. */
export const DirectoryCursor = z
  .string()
  .regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,64}$/, "Invalid cursor: pass back `nextCursor` unchanged.")
  .meta({ description: "`nextCursor` of the previous page, unchanged." });

/** Query of GET /api/rooms and GET /api/admin/rooms. */
export const RoomsQuery = z
  .object({
    game: str.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "Invalid game id.").optional().meta({ description: "Only rooms of this game (an id of GET /api/games)." }),
    cursor: DirectoryCursor.optional(),
    limit: z.coerce.number().int().min(1).max(DIRECTORY_PAGE_MAX).default(DIRECTORY_PAGE_DEFAULT).meta({ description: `Rooms per page, 1–${DIRECTORY_PAGE_MAX} (default ${DIRECTORY_PAGE_DEFAULT}).` }),
  })
  .strict();
export type RoomsQuery = z.infer<typeof RoomsQuery>;

/**
 * The answers of GET /api/rooms and GET /api/admin/rooms, built on the first call: the worker never
 * parses them, only the OpenAPI document and the pages that list rooms do, and a schema with an id
 * stays alive for good in zod's global registry (built at load they were part of the worker's fixed
 * heap, which every full mark-compact marks; issue 12).
 */
export function directoryAnswers(): DirectoryAnswers {
  built ??= build();
  return built;
}

function build() {
  const seatsSummary = z.object({ total: int, open: int });

  /** One room of GET /api/rooms: nothing that is not already in the match's public status. */
  const PublicRoom = z
    .object({
      matchId: str,
      game: str,
      mode: matchMode,
      state: DirectoryState,
      seats: seatsSummary,
      players: z.array(z.object({ name: str, seat: int, connected: bool })),
      spectators: int,
      createdAt: num,
      /** When the room last reported (ms since epoch). */
      updatedAt: num,
    })
    .meta({ id: "DirectoryRoom" });

  const PublicRoomsResponse = z.object({ rooms: z.array(PublicRoom), nextCursor: strOrNull }).meta({ id: "DirectoryPage" });

  /** One room of GET /api/admin/rooms: everything the room reported, plus its age. */
  const AdminRoom = z
    .object({
      matchId: str,
      game: str,
      mode: matchMode,
      state: DirectoryState,
      listed: bool,
      seats: seatsSummary,
      players: z.array(DirectoryPlayer),
      spectators: int,
      createdAt: num,
      ageMs: num,
      updatedAt: num,
      inputsPerSecond: num,
      storageRows: int,
      version: int,
    })
    .meta({ id: "AdminRoom" });

  const AdminRoomsResponse = z.object({ rooms: z.array(AdminRoom), nextCursor: strOrNull }).meta({ id: "AdminRoomPage" });
  return { PublicRoom, PublicRoomsResponse, AdminRoom, AdminRoomsResponse };
}

type DirectoryAnswers = ReturnType<typeof build>;
let built: DirectoryAnswers | undefined;

export type PublicRoomsResponse = z.infer<DirectoryAnswers["PublicRoomsResponse"]>;
export type AdminRoomsResponse = z.infer<DirectoryAnswers["AdminRoomsResponse"]>;
export type AdminRoom = z.infer<DirectoryAnswers["AdminRoom"]>;
export type PublicRoom = z.infer<DirectoryAnswers["PublicRoom"]>;
