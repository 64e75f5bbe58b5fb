/** Open a real WebSocket from Node (the `ws` package) and wrap it for tests. */
import WebSocket from "ws";
import { TestSocket, type MinimalSocket } from "./test-socket";

export async function openNodeSocket(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers });
  ws.binaryType = "arraybuffer";
  const sock = new TestSocket(ws as unknown as MinimalSocket);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return sock;
}
