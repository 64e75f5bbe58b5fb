/** Connect Four's page module (built to /js/games/connect-four.js): its lobby card and its match page. */
import { defineGamePage } from "../game-page";
import { connectFourLobby } from "./connect-four/lobby";
import { mountConnectFour } from "./connect-four/page";

export default defineGamePage({
  title: "Connect Four",
  lobby: connectFourLobby,
  mount: mountConnectFour,
});
