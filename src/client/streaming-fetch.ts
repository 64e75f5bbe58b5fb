/** The streaming `fetch` the HTTP fallback reads and POSTs with, and the platform's default. */
/** The response fields the transport reads. `fetch`'s Response has them all. */
export interface StreamingResponse {
  readonly status: number;
  /** The body as a byte stream (null when there is none). */
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/**
 * The part of `fetch` the HTTP transport uses: streaming bodies down, bytes
 * up, abortable. (`Uint8Array<ArrayBuffer>` because that is what the DOM's
 * `BodyInit` accepts, so `window.fetch` fits as it is.)
 */
export type StreamingFetch = (
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> | string; signal?: AbortSignal },
) => Promise<StreamingResponse>;

/** `globalThis.fetch`, when the platform has one. */
export function globalStreamingFetch(): StreamingFetch | null {
  return typeof globalThis.fetch === "function" ? (url, init) => globalThis.fetch(url, init) : null;
}
