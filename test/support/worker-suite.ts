/**
 * One worker under miniflare for a test file: started before its tests, and after them every SDK
 * client the file registered is closed and the worker stopped.
 */
import { afterAll, beforeAll } from "vitest";
import type { GameClient } from "../../src/client/internal";
import { Api } from "./api";
import { startWorker, type WorkerServer } from "./worker-server";

export interface WorkerSuite {
  readonly server: WorkerServer;
  readonly api: Api;
  /** Clients to close after the file's tests. */
  readonly clients: GameClient<unknown>[];
}

export function useWorkerSuite(): WorkerSuite {
  let server: WorkerServer | undefined;
  let api: Api | undefined;
  const clients: GameClient<unknown>[] = [];
  beforeAll(async () => {
    server = await startWorker();
    const base = server.base;
    api = new Api((input, init) => fetch(input, init), base);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });
  const running = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("the worker is not running (useWorkerSuite's beforeAll has not run)");
    return v;
  };
  return {
    get server() {
      return running(server);
    },
    get api() {
      return running(api);
    },
    clients,
  };
}
