/**
 * The Colyseus game server process for the benchmark: one `Server` with the
 * WebSocket transport (`ws`, no permessage-deflate: the transport's default)
 * and the runner room defined as "runner", listening on 127.0.0.1.
 *
 * Usage: node --import tsx bench/peers/colyseus/server.ts <port>
 * Prints "colyseus listening <port>" once ready.
 */
import { Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { RunnerRoom } from "./room";

const port = Number(process.argv[2] ?? 2567);
const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define("runner", RunnerRoom);
await server.listen(port, "127.0.0.1");
console.log(`colyseus listening ${port}`);

const stop = () => {
  void server.gracefullyShutdown(true).finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
