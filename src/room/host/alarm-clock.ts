/**
 * The object's one alarm as this instance knows it. It is only ever moved earlier: a later deadline
 * (a heartbeat check pushed back by a ping, the loop's watchdog pushed on by every tick) keeps the
 * earlier alarm, which then fires, finds little to do and re-arms. Each `setAlarm` is a billed row
 * write, so this keeps alarm writes to about one per timer instead of one per frame or tick.
 */
import { alarmNeedsWrite } from "../core/ticker";

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

  /** Make the alarm fire no later than `wanted` (null: nothing is due; the stored alarm stays). */
  async noLaterThan(wanted: number | null): Promise<void> {
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    if (!alarmNeedsWrite(this.at, wanted)) return;
    this.at = wanted;
    this.written();
    await this.storage.setAlarm(wanted);
  }
}
