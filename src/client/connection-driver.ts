/** The connection state machine as the client runs it: one event at a time, announcing each transition and notice. */
import type { ClientEvents } from "./client-types";
import { initialMachine, transition, type ConnectionEvent, type ConnectionState, type Machine, type MachineConfig } from "./connection-state";
import type { Emitter } from "./emitter";

export class ConnectionDriver {
  private current: Machine = initialMachine();

  constructor(
    private readonly cfg: MachineConfig,
    private readonly emitter: Emitter<ClientEvents>,
    /** Acts on a new state (connect, schedule the retry, tear down), right after its 'state' event. */
    private readonly enter: (state: ConnectionState) => void,
  ) {}

  get machine(): Machine {
    return this.current;
  }

  dispatch(event: ConnectionEvent): void {
    const step = transition(this.current, event, this.cfg);
    this.current = step.machine;
    if (step.changed) {
      this.emitter.emit("state", this.current.state);
      this.enter(this.current.state);
    }
    for (const n of step.notices) this.emitter.emit("transportBlocked", { failures: n.failures });
  }
}
