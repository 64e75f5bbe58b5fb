/**
 * `edgeroom/game`: everything a game module needs — `defineGame`, the game types and the seeded
 * generator — with no worker code, so a game loads in Node, browsers and workerd alike.
 */
export * from "./types";
export { Rng, mixSeed, nextRandom } from "./rng";
