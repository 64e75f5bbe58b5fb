// Real-time client helpers: tick clock, snapshot stream, interpolation, prediction. Game-specific adapters ship
// from their game's own folder (src/games/<game-id>/client/), built on these.
export * from "./tick-clock";
export * from "./snapshot-stream";
export * from "./interpolation";
export * from "./prediction";
