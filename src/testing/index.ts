/**
 * `edgeroom/testing`: what a game developer needs to test a game against the real room core, in
 * process and on a hand-driven clock — the stepped room, a link conditioner for running the SDK
 * against it, and the conformance suite every game should pass.
 */
export { RoomStepper, type RoomStepperOptions, type StepperOutput } from "./room-stepper";
export { LinkConditioner, type LinkProfile, type LinkStats } from "./link/link-conditioner";
export type { ConditionedSocket } from "./link/conditioned-socket";
export { conformance, conformanceChecks, runConformance, type ConformanceCheck, type ConformanceResult, type TestRegistrar } from "./conformance/conformance";
export type { ConformanceOptions } from "./conformance/options";
export { Rng } from "../games/rng";
