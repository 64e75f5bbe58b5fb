/**
 * `edgeroom/client`: the SDK an app needs — a resilient connection to one match, typed by the game
 * (`joinMatch<typeof myGame>(…)`), outbox stores, the typed HTTP API client (createApi), and the real-time helpers. Internals stay internal.
 */
export { DEFAULT_CONNECT_TIMEOUT_MS, type EdgeroomClient } from "./client";
export { joinMatch } from "./join-match";
export type { GameClient, RoomOf, UpdateOf, EventsOf, InputOf, ViewOf, EventOf } from "./typed";
export type { AppliedUpdate, ClientError, ClientEvents, ClientOptions, ClientStats, CriticalEvent, FallbackEvent, InputOutcome, OnlineEventSource, TransportMode, WelcomeEvent } from "./client-types";
export type { BackoffOptions } from "./backoff";
export type { ConnectionState, ConnectionStatus, ClosedReason, CloseInfo, TicketFailure } from "./connection-state";
export { memoryStore, localStorageStore, type KeyValueStore, type StorageLike } from "./store";
export type { OutboxCommand } from "./outbox";
export type { FetchLike } from "./ticket";
export type { WebSocketConstructor, WebSocketLike } from "./transport";
export { createApi, ApiRequestError, type ApiFetch, type ApiOptions, type CreateMatchBody, type CreatedMatch, type EdgeroomApi, type GameInfo, type Guest, type PublicStatus, type Replay, type Ticket } from "./http-api";
export * from "./realtime";
