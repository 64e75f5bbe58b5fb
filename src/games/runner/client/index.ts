/**
 * The runner's client side, shipped from its own folder so the generic SDK names no game: local
 * prediction of your own runner over quantised snapshots (RunnerPrediction, on the SDK's generic
 * Predictor) and the field modes its snapshots interpolate with. Browser code imports this; the room
 * never does (the rest of src/games/runner stays pure, see .dependency-cruiser.cjs).
 */
export * from "./prediction";
export { bodyDucking, initialRunnerBody, runDistance, runnerBodyDistance, runnerBodySpec, stepRunnerBody, type RunnerBody } from "./body";
export { runnerExtrapolationBound, runnerFieldModes } from "./interpolation";
export { RUNNER_VERTICAL_GRAIN } from "./vertical";
