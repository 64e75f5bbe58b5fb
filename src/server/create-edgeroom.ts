/**
 * `createEdgeroom({ games })`: everything an operator's worker entry needs — the fetch handler (the
 * Hono app: auth, origins, limits, routing) and the room Durable Object class bound to those games:
 *
 *   const edgeroom = createEdgeroom({ games: [connectFour, myGame] });
 *   export const RoomObject = edgeroom.RoomObject;   // the class named in wrangler.toml
 *   export const { QueueObject, RatingsObject, CodeObject } = edgeroom;   // matchmaking, ratings, join codes
 *   export const RoomIndexObject = edgeroom.RoomIndexObject;   // the room directory
 *   export default edgeroom.worker;
 */
import { GameRegistry } from "../games/registry";
import type { AnyGame } from "../games/types";
import { RoomHost } from "../room/host/room-object";
import { CodeObject } from "../matchmaking/code-object";
import { QueueObject } from "../matchmaking/queue-object";
import { RatingsObject } from "../matchmaking/ratings-object";
import { createApp } from "../worker/app";
import type { Env } from "../worker/env";
import { PlayerRecord } from "../worker/player-record";
import { RoomIndexObject } from "../directory/room-index-object";

export interface EdgeroomOptions {
  /** The games this deployment hosts (ids must be unique). */
  readonly games: readonly AnyGame[];
}

export interface Edgeroom {
  /** The worker's default export. */
  readonly worker: ExportedHandler<Env>;
  /** The room Durable Object class; export it under the `class_name` of the ROOMS binding. */
  readonly RoomObject: new (ctx: DurableObjectState, env: unknown) => RoomHost;
  /** Matchmaking queues (binding QUEUES), the ratings store (RATINGS) and join codes (CODES): game-independent. */
  readonly QueueObject: typeof QueueObject;
  readonly RatingsObject: typeof RatingsObject;
  readonly CodeObject: typeof CodeObject;
  readonly games: GameRegistry;
  /** Per-player records (token revocation); export it under the `class_name` of the PLAYERS binding. */
  readonly PlayerRecord: typeof PlayerRecord;
  /** The room index behind the room directory; export it under the `class_name` of the ROOM_INDEX binding. */
  readonly RoomIndexObject: typeof RoomIndexObject;
}

export function createEdgeroom(options: EdgeroomOptions): Edgeroom {
  const games = new GameRegistry(options.games);
  const app = createApp(games);
  class RoomObject extends RoomHost {
    constructor(ctx: DurableObjectState, env: unknown) {
      super(ctx, env, games);
    }
  }
  return { worker: { fetch: (request, env, ctx) => app.fetch(request, env, ctx) }, RoomObject, QueueObject, RatingsObject, CodeObject, PlayerRecord, RoomIndexObject, games };
}
