/**
 * The SDK typed by a game: `joinMatch<typeof myGame>(…)` gives a client whose `send` takes that game's
 * input and whose rooms carry that game's view, inferred from the game module passed as the type
 * parameter (a type-only import: no game code ships to the browser unless the page uses it).
 */
import type { EventOf, GameEvent, InputOf, ViewOf } from "../games/types";
import type { RoomSnapshot } from "../protocol";
import type { EdgeroomClient } from "./client";
import type { AppliedUpdate, ClientEvents, InputOutcome, WelcomeEvent } from "./client-types";

export type { EventOf, InputOf, ViewOf } from "../games/types";

/** A room snapshot whose `view` is the game's own view type. */
export type RoomOf<G> = Omit<RoomSnapshot, "view"> & { readonly view: ViewOf<G> | null };

/** An applied update with the game's view and its events (plus the room's own lifecycle events). */
export type UpdateOf<G> = Omit<AppliedUpdate, "room" | "events"> & {
  readonly room: RoomOf<G> | null;
  readonly events: ReadonlyArray<EventOf<G> | GameEvent>;
};

export type EventsOf<G> = Omit<ClientEvents, "update" | "welcome"> & {
  update: UpdateOf<G>;
  welcome: Omit<WelcomeEvent, "frame"> & { readonly frame: Omit<WelcomeEvent["frame"], "room"> & { readonly room: RoomOf<G> } };
};

/** The client of one match of game G. */
export type GameClient<G> = Omit<EdgeroomClient, "send" | "room" | "on"> & {
  /** Send one input of this game; resolves with its one outcome, never rejects. */
  send(input: InputOf<G>): Promise<InputOutcome>;
  /** The latest room (last welcome or applied update), or null before the first welcome. */
  readonly room: RoomOf<G> | null;
  on<K extends keyof EventsOf<G>>(event: K, fn: (payload: EventsOf<G>[K]) => void): () => void;
};
