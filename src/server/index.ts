/** `edgeroom`: the server side of an Edgeroom deployment. */
export { createEdgeroom, type Edgeroom, type EdgeroomOptions } from "./create-edgeroom";
export { defineGame, type GameDefinition, type GameEvent, type Audience, type InputOf, type ViewOf, type EventOf, type OptionsOf, type StateOf, type Seat, type MatchResult } from "../games/types";
export type { Env } from "../worker/env";
