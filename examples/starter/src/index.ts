/** The worker entry (wrangler.toml `main`): Edgeroom hosting the reference Connect Four and our own game. */
import { createEdgeroom } from "edgeroom";
import { connectFour } from "edgeroom/games/connect-four";
import { ticTacToe } from "./tic-tac-toe";

const edgeroom = createEdgeroom({ games: [connectFour, ticTacToe] });

export const RoomObject = edgeroom.RoomObject; // the class_name of the ROOMS binding
export default edgeroom.worker;
