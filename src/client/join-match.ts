/** `joinMatch`: create a client for one match, typed by its game, and start connecting. */
import { EdgeroomClient } from "./client";
import type { ClientOptions } from "./client-types";
import type { GameClient } from "./typed";

/**
 * Create a client and start connecting. Pass the game's type for a typed client:
 * `joinMatch<typeof connectFour>({ … })`.
 */
export function joinMatch<G = unknown>(options: ClientOptions): GameClient<G> {
  const client = new EdgeroomClient(options);
  client.start();
  return typedClient<G>(client);
}

/**
 * The one place the SDK narrows the game-specific parts of frames to the game's types. Every frame's
 * envelope is validated by the protocol schemas on arrival; `view` and events are the room's output of
 * this game's own `view()` and events, which the type parameter names. Nothing is converted at run time.
 */
function typedClient<G>(client: EdgeroomClient): GameClient<G> {
  return client as unknown as GameClient<G>;
}
