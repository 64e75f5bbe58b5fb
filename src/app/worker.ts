/** The reference app's worker entry (wrangler.toml `main`): Edgeroom with the app's games. */
import { createEdgeroom } from "../server";
import { games } from "./games";

const edgeroom = createEdgeroom({ games });

export const RoomObject = edgeroom.RoomObject;
export const { QueueObject, RatingsObject, CodeObject } = edgeroom;
export const PlayerRecord = edgeroom.PlayerRecord;
export const RoomIndexObject = edgeroom.RoomIndexObject;
export default edgeroom.worker;
