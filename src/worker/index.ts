/** Worker entry: the Hono app and the room Durable Object class. */
import { createApp } from "./app";

export { RoomObject } from "../room/host/room-object";
export default createApp();
