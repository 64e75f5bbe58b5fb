/** Which transport carries the client's connection, and the one-time switch from WebSockets to the HTTP fallback. */
import type { FallbackEvent } from "./client-types";
import type { TransportChoice } from "./platform";
import type { TransportFactory, TransportKind } from "./transport";

export class TransportSwitch {
  readonly factory: TransportFactory;
  private current: TransportKind;
  private switched = false;

  constructor(choice: TransportChoice) {
    this.factory = choice.factory;
    this.current = choice.initial;
  }

  /** What carries the current connection (or the latest attempt, or the first one before any). */
  get kind(): TransportKind {
    return this.current;
  }

  /** Whether the client switched to the HTTP fallback because WebSockets proved blocked (for good). */
  get fellBack(): boolean {
    return this.switched;
  }

  /** Note the transport an attempt uses; returns the 'fallback' event when this attempt is the switch. */
  note(kind: TransportKind, blocked: boolean, failures: number): FallbackEvent | null {
    const previous = this.current;
    this.current = kind;
    if (blocked && previous === "websocket" && kind === "http" && !this.switched) {
      this.switched = true;
      return { from: previous, to: kind, failures };
    }
    return null;
  }
}
