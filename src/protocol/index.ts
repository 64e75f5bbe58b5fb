/** The wire protocol: codes, limits, schemas and codec shared by room and client. */
export * from "./codes";
export * from "./limits";
export * from "./schemas";
export * from "./codec";
export { scanMsgpack } from "./msgpack-guard";
export * from "./state-hash";
export * from "./sse";
export * from "./snap-codec";
export * from "./fairness";
export * from "./replay";
export * from "./operator-api";
