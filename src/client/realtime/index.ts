// Real-time client helpers: tick clock, snapshot stream, interpolation, prediction (generic, and the runner adapter).
export * from "./tick-clock";
export * from "./snapshot-stream";
export * from "./interpolation";
export * from "./prediction";
export * from "./runner";
