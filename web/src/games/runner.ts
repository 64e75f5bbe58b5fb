/** The runner's page module (built to /js/games/runner.js): its lobby card and its race page. */
import { defineGamePage } from "../game-page";
import { runnerLobby } from "./runner/lobby";
import { mountRunner } from "./runner/page";

export default defineGamePage({
  title: "Runner",
  lobby: runnerLobby,
  mount: mountRunner,
});
