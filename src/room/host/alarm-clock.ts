/**
 * The object's one alarm as this instance knows it. It is only ever moved earlier: a later deadline
 * (a heartbeat check pushed back by a ping, the loop's watchdog pushed on by every tick) keeps the
 * earlier alarm, which then fires, finds little to do and re-arms. Each `setAlarm` is a billed row
 * write, so this keeps alarm writes to about one per timer instead of one per frame or tick.
 */
import type { RoomCore } from "../core/room-core";
import { alarmNeedsWrite, alarmTime } from "../core/ticker";

export class AlarmClock {
  /** The alarm time last set or read; undefined until read from storage. */
  private at: number | null | undefined = undefined;

  /** `written` is called once per `setAlarm` (the ops counters). */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly written: () => void,
  ) {}

  /** The alarm fired (it is consumed), or the storage holding it was deleted. */
  cleared(): void {
    this.at = null;
  }

  /**
   * A match is being created here: no alarm is stored (a room sets one only while it holds a match,
   * and deletes it with the match), so the first `noLaterThan` need not read it. Were one left over
   * anyway, it is simply replaced by the new match's deadline.
   */
  noneStored(): void {
    this.at = null;
  }

  /**
   * Make the alarm fire no later than `wanted` (null: nothing is due; the stored alarm stays). Not
   * `async`: the host asks after most events, and usually nothing is to be written (see the header);
   * then no promise is made. A promise only when storage is read (once per instance) or written.
   */
  noLaterThan(wanted: number | null): Promise<void> | undefined {
    if (this.at === undefined) return this.readThenSet(wanted);
    if (!alarmNeedsWrite(this.at, wanted)) return;
    this.at = wanted;
    this.written();
    return this.storage.setAlarm(wanted);
  }

  /** The alarm the core's next deadline needs (its deadlines, or the real-time loop's watchdog). */
  follow(core: RoomCore): Promise<void> | undefined {
    const now = Date.now();
    return this.noLaterThan(alarmTime(core.nextWakeAt(now), now));
  }

  private async readThenSet(wanted: number | null): Promise<void> {
    this.at = await this.storage.getAlarm();
    await this.noLaterThan(wanted);
  }
}
