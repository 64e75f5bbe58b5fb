/**
 * The app's hand-stepped room: `edgeroom/testing`'s RoomStepper hosting the app's games (Connect Four
 * unless the request names another), with the seed as the second argument as the tests have always passed it.
 */
import { RoomStepper as GenericRoomStepper } from "../../src/testing/room-stepper";
import { appGames } from "./app-games";

export type { StepperOutput } from "../../src/testing/room-stepper";

export class RoomStepper extends GenericRoomStepper {
  constructor(request: Record<string, unknown>, seed = 42) {
    super({ game: "connect-four", ...request }, { games: appGames, seed });
  }
}
