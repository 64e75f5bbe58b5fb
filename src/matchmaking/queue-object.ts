/**
 * One matchmaking queue (binding QUEUES, one object per game, mode, seat count and shard; see
 * queue-key.ts). A player's entry is created by POST /api/queue (the `enqueue` RPC) and waits on a
 * hibernatable WebSocket; the entry lives while that socket is open. Whenever someone connects, and on
 * the alarm at the next moment waiting could change something (an AI offer, a ready time, a wider
 * rating window), `formGroups` decides; each group becomes a match through the room's `create` RPC,
 * and every member's socket gets a join ticket and is closed.
 */
import { DurableObject } from "cloudflare:workers";
import type { RatingsObject } from "./ratings-object";
import { RATINGS_OBJECT_NAME } from "./ratings-object";
import type { CreateResult, RoomHost } from "../room/host/room-object";
import { logEvent } from "../shared/log";
import { newMatchId } from "../worker/match-id";
import { signTicket, randomId } from "../worker/tokens";
import { playerRecord, type PlayerRecord } from "../worker/player-record";
import { formGroups, nextDecisionAt, type Group, type Waiting } from "./grouping";
import { EnqueueRequest, QUEUE_JOIN_HEADER } from "./queue-join";
import { QueueCloseCode, QueueStore, type Entry } from "./queue-store";
import { RatingLookups } from "./rating-lookups";
import type { QueueMessage } from "../protocol/matchmaking-api";

/** The bindings a queue uses (a subset of the worker's Env, declared here to keep imports one-way). */
export interface QueueEnv {
  ROOMS: DurableObjectNamespace<RoomHost>;
  /** Player records (revocation): each quick-play ticket is checked and noted there, as a worker-minted ticket is. */
  PLAYERS?: DurableObjectNamespace<PlayerRecord>;
  RATINGS?: DurableObjectNamespace<RatingsObject>;
  AUTH_SECRET?: string;
}

/** A new entry must open its socket within this long; a matched entry's result is kept as long for a late socket. */
export const CONNECT_WITHIN_MS = 30_000;

export type { EnqueueRequest };

export class QueueObject extends DurableObject<QueueEnv> {
  private readonly store: QueueStore;
  private readonly ratings: RatingLookups;
  /**
   * The alarm as this instance last set or read it (undefined: not read yet; null: none). Only this
   * object sets its alarm, so the copy stays true, and a join or connect needs no storage read for it.
   */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: QueueEnv) {
    super(ctx, env);
    this.store = new QueueStore(ctx.storage);
    this.ratings = new RatingLookups((game, playerIds) => {
      const ns = env.RATINGS;
      return ns ? ns.get(ns.idFromName(RATINGS_OBJECT_NAME)).means(game, playerIds) : Promise.resolve([]);
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Add a player, or return their entry if they are already waiting here (a duplicate join). */
  async enqueue(req: EnqueueRequest): Promise<{ ticketId: string; existing: boolean }> {
    const rating = await this.ratingOf(req.game, req.player.playerId);
    // No await between the check and the insert: two joins of one player cannot both insert.
    const current = this.store.entryOf(req.player.playerId);
    if (current && current.state !== "matched") return { ticketId: current.ticketId, existing: true };
    const now = Date.now();
    const ticketId = `${req.queueKey}.${randomId(16)}`;
    this.store.setConfig({ game: req.game, rated: req.rated, shape: req.shape, wsOrigin: req.wsOrigin });
    this.store.insert({ ticketId, playerId: req.player.playerId, name: req.player.name, iat: req.iat, rating, joinedAt: now, aiAfterMs: req.aiAfterMs, connectBy: now + CONNECT_WITHIN_MS }, current);
    // A new entry is not connected, so no decision moment changed: only its connect deadline is new.
    await this.alarmNoLaterThan(now + CONNECT_WITHIN_MS);
    return { ticketId, existing: false };
  }

  /** DELETE /api/queue/:ticketId: only the entry's own player may cancel it. */
  async cancel(ticketId: string, playerId: string): Promise<boolean> {
    const entry = this.store.get(ticketId);
    if (!entry || entry.playerId !== playerId || entry.state !== "waiting") return false;
    this.store.remove(ticketId);
    for (const ws of this.ctx.getWebSockets(ticketId)) ws.close(QueueCloseCode.CANCELLED, "Left the queue.");
    logEvent("info", "queue_cancelled", { ticketId });
    return true;
  }

  /** How many players are waiting (connected or not), for tests and operators. */
  async waiting(): Promise<number> {
    return this.store.waitingCount();
  }

  /**
   * The waiting socket of an entry (`/ws?ticket=`), or a join and its socket in one call (`/join`,
   * the EnqueueRequest in QUEUE_JOIN_HEADER): the worker's socket join, one event here instead of two.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let ticketId = url.searchParams.get("ticket") ?? "";
    if (url.pathname === "/join") {
      const join = EnqueueRequest.safeParse(parseJson(request.headers.get(QUEUE_JOIN_HEADER)));
      if (!join.success) return Response.json({ error: { code: "BAD_REQUEST", message: "Malformed join." } }, { status: 400 });
      ticketId = (await this.enqueue(join.data)).ticketId;
    }
    const entry = this.store.get(ticketId);
    if (!entry) return Response.json({ error: { code: "NOT_FOUND", message: "No such queue entry (cancelled, expired or never created)." } }, { status: 404 });
    const { 0: client, 1: server } = new WebSocketPair();
    if (entry.state === "matched") {
      // Matched before its socket arrived: hand over a fresh ticket (unless the player was revoked since) and finish.
      server.accept();
      if (entry.match && (await this.revokedSince(entry))) server.close(QueueCloseCode.REVOKED, "Revoked by the server.");
      else {
        await this.sendMatched(server, entry);
        server.close(1000, "Matched.");
      }
      return new Response(null, { status: 101, webSocket: client });
    }
    // One socket per entry: a newer one (a reload, a second tab) replaces the older.
    for (const old of this.ctx.getWebSockets(ticketId)) old.close(QueueCloseCode.REPLACED, "Replaced by a newer connection.");
    // The ticket id is the socket's one tag: it survives hibernation, and `gone` reads it back with getTags.
    this.ctx.acceptWebSocket(server, [ticketId]);
    this.store.markConnected(ticketId);
    const hello: QueueMessage = { type: "queued", ticketId, waiting: this.store.waitingCount() };
    server.send(JSON.stringify(hello));
    // The upgrade answers now; the matching pass (and the room creation it may start) runs after it,
    // so opening the queue socket never waits for someone else's room. Its entries are taken out of
    // the queue synchronously inside decide, so overlapping passes cannot match a player twice.
    this.ctx.waitUntil(this.decide(Date.now()).catch((err: unknown) => logEvent("error", "queue_decide_failed", { message: err instanceof Error ? err.message : String(err) })));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(): Promise<void> {
    // Nothing to say to the queue besides the heartbeat, which the runtime answers.
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
    this.gone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.gone(ws);
  }

  override async alarm(): Promise<void> {
    // The runtime cleared the alarm that is running.
    this.alarmAt = null;
    const now = Date.now();
    this.store.expire(now);
    await this.decide(now);
  }

  /** A waiting player's only socket closed: they left the queue. */
  private gone(ws: WebSocket): void {
    const [ticketId] = this.ctx.getTags(ws);
    if (ticketId === undefined) return;
    if (this.ctx.getWebSockets(ticketId).some((other) => other !== ws && other.readyState === WebSocket.OPEN)) return;
    if (this.store.get(ticketId)?.state !== "waiting") return;
    this.store.remove(ticketId);
    logEvent("info", "queue_left", { ticketId });
  }

  private async decide(now: number): Promise<void> {
    const config = this.store.config();
    if (config) {
      const waiting = this.store.connectedWaiting();
      const groups = formGroups(waiting, config.shape, now);
      // Taken out of the queue before any await, so an event that runs meanwhile cannot match them again.
      this.store.setState(groups.flatMap((g) => g.players.map((p) => p.ticketId)), "matching");
      await Promise.all(groups.map((g) => this.start(g, config)));
    }
    await this.schedule(Date.now());
  }

  private async start(group: Group<Entry>, config: NonNullable<ReturnType<QueueStore["config"]>>): Promise<void> {
    const secret = this.env.AUTH_SECRET ?? "";
    const matchId = await newMatchId(secret);
    const [creator] = group.players;
    if (!creator) return;
    if (!(await this.admit(group, matchId))) return;
    const seats = config.shape.kind === "real-time" ? group.players.length : config.shape.seats;
    const body = { game: config.game, mode: group.mode, seats, ...(config.shape.kind === "real-time" ? { readyTimeoutMs: 10_000 } : {}) };
    const rated = config.rated && group.mode === "pvp" && group.players.length >= 2;
    const room = this.env.ROOMS.get(this.env.ROOMS.idFromName(matchId));
    let created: CreateResult;
    try {
      created = await room.create(matchId, body, { playerId: creator.playerId, name: creator.name }, { rated });
    } catch (err) {
      created = { ok: false, status: 409, message: err instanceof Error ? err.message : String(err) };
    }
    if (!created.ok) {
      // Back to waiting: the next decision (the next connect, or the alarm) tries again.
      logEvent("error", "queue_create_failed", { game: config.game, message: created.message });
      this.store.setState(ticketIds(group), "waiting");
      return;
    }
    logEvent("info", "queue_matched", { matchId, game: config.game, players: group.players.length, mode: group.mode, rated });
    const match = { matchId, mode: group.mode, rated };
    this.store.setMatched(ticketIds(group), match, Date.now() + CONNECT_WITHIN_MS);
    // Every member's ticket is signed at once rather than one after another.
    await Promise.all(
      group.players.map(async (p) => {
        const entry: Entry = { ...p, state: "matched", match };
        for (const ws of this.ctx.getWebSockets(p.ticketId)) {
          await this.sendMatched(ws, entry);
          ws.close(1000, "Matched.");
        }
      }),
    );
  }

  /**
   * Before the room exists: each member's ticket is checked against their record like a ticket the
   * worker mints (refused if their token was revoked since they joined) and the match noted there, so
   * an operator's revocation reaches this room's sockets (docs/protocol.md §4.6). A revoked member
   * leaves the queue (socket closed with 4009) and the others wait again, regrouped at once; a record
   * that cannot be reached sends the group back to waiting, like a room that cannot be created.
   * True when every member may play.
   */
  private async admit(group: Group<Entry>, matchId: string): Promise<boolean> {
    const ns = this.env.PLAYERS;
    if (!ns) return true;
    const now = Math.floor(Date.now() / 1000);
    let answers: boolean[];
    try {
      answers = await Promise.all(group.players.map(async (p) => (await playerRecord(ns, p.playerId).ticket(p.playerId, p.iat, matchId, now)).revoked));
    } catch (err) {
      logEvent("error", "queue_admit_failed", { matchId, message: err instanceof Error ? err.message : String(err) });
      this.store.setState(ticketIds(group), "waiting");
      return false;
    }
    if (!answers.includes(true)) return true;
    this.store.setState(
      group.players.filter((_, i) => answers[i] !== true).map((p) => p.ticketId),
      "waiting",
    );
    for (const [i, p] of group.players.entries()) {
      if (answers[i] !== true) continue;
      this.store.remove(p.ticketId);
      for (const ws of this.ctx.getWebSockets(p.ticketId)) ws.close(QueueCloseCode.REVOKED, "Revoked by the server.");
      logEvent("warn", "queue_revoked", { ticketId: p.ticketId, playerId: p.playerId });
    }
    this.ctx.waitUntil(this.decide(Date.now()).catch((err: unknown) => logEvent("error", "queue_decide_failed", { message: err instanceof Error ? err.message : String(err) })));
    return false;
  }

  /** A matched entry's player revoked after the match was noted (checked again before a late socket gets a fresh ticket). */
  private async revokedSince(entry: Entry): Promise<boolean> {
    const ns = this.env.PLAYERS;
    return ns ? playerRecord(ns, entry.playerId).isRevoked(entry.playerId, entry.iat) : false;
  }

  private async sendMatched(ws: WebSocket, entry: Entry): Promise<void> {
    const config = this.store.config();
    if (!entry.match || !config) return;
    const { matchId, mode, rated } = entry.match;
    const { ticket, exp } = await signTicket(this.env.AUTH_SECRET ?? "", matchId, { playerId: entry.playerId, name: entry.name }, "player");
    const url = `${config.wsOrigin}/api/matches/${matchId}/ws?ticket=${encodeURIComponent(ticket)}&v=1`;
    const frame: QueueMessage = { type: "matched", matchId, ticket, url, expiresAt: exp * 1000, rated, mode };
    ws.send(JSON.stringify(frame));
  }

  /** One alarm: the next decision moment or the next expiry, whichever is first. */
  private async schedule(now: number): Promise<void> {
    const config = this.store.config();
    const waiting: Waiting[] = this.store.connectedWaiting();
    const decision = config ? nextDecisionAt(waiting, config.shape, now) : null;
    const expiry = this.store.nextExpiry();
    const at = Math.min(decision ?? Infinity, expiry ?? Infinity);
    if (at !== Infinity) await this.alarmNoLaterThan(at);
  }

  private async alarmNoLaterThan(at: number): Promise<void> {
    if (this.alarmAt === undefined) {
      const stored = await this.ctx.storage.getAlarm();
      // Another call may have set it meanwhile: that value is newer than the one read.
      if (this.alarmAt === undefined) this.alarmAt = stored;
    }
    // Compared and lowered without an await in between: the last setAlarm issued is the earliest time.
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private async ratingOf(game: string, playerId: string): Promise<number> {
    return (await this.ratings.mean(game, playerId)) ?? 25;
  }
}

function ticketIds(group: Group<Entry>): string[] {
  return group.players.map((p) => p.ticketId);
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
