/** Everything the SDK is made of, for its own tests and tools; apps import `edgeroom/client` (index.ts) instead. */
export { EdgeroomClient, DEFAULT_CONNECT_TIMEOUT_MS } from "./client";
export { joinMatch } from "./join-match";
export type {
  AppliedUpdate,
  ClientError,
  ClientEvents,
  ClientOptions,
  ClientStats,
  CriticalEvent,
  FallbackEvent,
  GameEvent,
  InputOutcome,
  OnlineEventSource,
  TransportMode,
  WelcomeEvent,
} from "./client-types";
export { DEFAULT_BACKOFF, backoffDelay, backoffWindow, resolveBackoff, wasStable, type BackoffOptions, type ResolvedBackoff } from "./backoff";
export {
  DEFAULT_MAX_ESTABLISH_FAILURES,
  initialMachine,
  transition,
  type CloseInfo,
  type ClosedReason,
  type ConnectionEvent,
  type ConnectionNotice,
  type ConnectionState,
  type ConnectionStatus,
  type Machine,
  type MachineConfig,
  type Step,
  type TicketFailure,
} from "./connection-state";
export { Outbox, ADMITTED_CAPACITY, DEFAULT_OUTBOX_CAPACITY, type OutboxCommand, type OutboxEntry, type OutboxOptions, type PushResult } from "./outbox";
export { memoryStore, localStorageStore, type KeyValueStore, type StorageLike } from "./store";
export { UpdateOrdering, type OfferResult, type WelcomePlan } from "./ordering";
export { ServerClock, DEFAULT_CLOCK_SAMPLES, startClockSync, type ClockSample, type ClockSyncOptions, type SyncChannel } from "./clock";
export { Heartbeat, DEFAULT_DEAD_AFTER_MS, DEFAULT_PING_INTERVAL_MS, MAX_DEAD_AFTER_MS, type HeartbeatOptions } from "./heartbeat";
export { Pacer, type PacerLimits } from "./pacer";
export { mintTicket, socketUrl, type FetchLike, type ResumeParams, type TicketResult } from "./ticket";
export { systemTimers, manualTimers, type ManualTimers, type TimerHandle, type Timers } from "./timers";
export { RateLimitHold, rateLimitBackoff, RATE_LIMIT_MIN_BACKOFF_MS, RATE_LIMIT_MAX_BACKOFF_MS } from "./rate-limit";
export {
  httpTransport,
  httpEndpoints,
  globalStreamingFetch,
  DEFAULT_SEND_TIMEOUT_MS,
  type HttpEndpoints,
  type HttpTransportOptions,
  type StreamingFetch,
  type StreamingResponse,
} from "./http-transport";
export {
  webSocketTransport,
  fallbackTransport,
  globalWebSocket,
  type Transport,
  type TransportKind,
  type TransportContext,
  type TransportData,
  type TransportFactory,
  type TransportHandlers,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./transport";
export * from "./http-api";
export * from "./realtime";
export * from "./typed";
