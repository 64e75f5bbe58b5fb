/**
 * A half-open link for the HTTP fallback transport (SSE down, POST up), at the fetch the SDK is given:
 * after `blackhole()`, the current stream's events stop reaching the client (the server's writes are
 * read and dropped, as a dead path would swallow them), its POSTs never reach the server and never
 * get an answer, and when the client gives the stream up, the server is not told (the real request
 * stays open, drained, until `reset()`), exactly like a blackholed TCP connection: no FIN, no RST.
 * A new stream (the client's reconnection) starts a new generation that passes normally.
 */
import type { StreamingFetch, StreamingResponse } from "../../src/client/internal";

/** A promise that settles only when `signal` aborts (then with an AbortError, as fetch would). */
function hang<T>(signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), { once: true });
  });
}

export class BlackholeFetch {
  /** Generation of the latest stream (one per SSE GET); POSTs belong to it. */
  private gen = 0;
  private readonly cut = new Set<number>();
  private readonly cleanups: Array<() => void> = [];

  constructor(
    /** Maps the SDK's URL to the server of the moment. */
    private readonly resolve: (url: string) => string,
    /** Told of every POST body the SDK sends, blackholed or not (the text "ping" or frame bytes). */
    private readonly onSend: (body: unknown) => void = () => {},
  ) {}

  /** Swallow everything of the current stream and its POSTs from now on, in both directions. */
  blackhole(): void {
    this.cut.add(this.gen);
  }

  /** End the blackholed requests for real (the test is over; the server may see them go). */
  reset(): void {
    for (const c of this.cleanups.splice(0)) c();
  }

  readonly fetch: StreamingFetch = async (url, init) => {
    if (init.method === "GET") return this.stream(url, init);
    this.onSend(init.body);
    const g = this.gen;
    if (this.cut.has(g)) return hang(init.signal);
    const res = await globalThis.fetch(this.resolve(url), init);
    if (this.cut.has(g)) return hang(init.signal);
    return res;
  };

  private async stream(url: string, init: Parameters<StreamingFetch>[1]): Promise<StreamingResponse> {
    const g = ++this.gen;
    // The real request gets its own abort: once blackholed, the client's abort must not reach the server.
    const real = new AbortController();
    init.signal?.addEventListener("abort", () => {
      if (!this.cut.has(g)) real.abort();
    });
    const res = await globalThis.fetch(this.resolve(url), { ...init, signal: real.signal });
    if (!res.body || res.status !== 200) return res;
    const reader = res.body.getReader();
    this.cleanups.push(() => {
      real.abort();
      reader.cancel().catch(() => undefined);
    });
    const body = new ReadableStream<Uint8Array>({
      pull: async (ctrl) => {
        for (;;) {
          const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          if (this.cut.has(g)) {
            // Drain and drop; the end of the real stream (the server closing it) is swallowed too.
            if (r.done) return hang(undefined);
            continue;
          }
          if (r.done) {
            ctrl.close();
            return;
          }
          ctrl.enqueue(r.value);
          return;
        }
      },
      cancel: async (reason) => {
        if (!this.cut.has(g)) await reader.cancel(reason);
      },
    });
    return { status: res.status, body, text: () => new Response(body).text() };
  }
}
