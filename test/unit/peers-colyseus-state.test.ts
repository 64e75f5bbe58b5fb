/**
 * bench/peers: the Colyseus room's Schema state mirrors the shared simulation, and what a Colyseus client
 * decodes from the patches (Schema's own encoder and decoder, as the room and colyseus.js use them) is
 * exactly Edgeroom's quantised frame of the same state.
 */
import { Decoder, Encoder } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { quantize, runner, scriptedInput, type RunnerInput } from "../../src/games/runner";
import { PeerMatch, SEATS } from "../../bench/peers/match";
import { createRoomState, mirrorState, RunnerRoomState, toQuantised } from "../../bench/peers/colyseus/state";

describe("Colyseus room state", () => {
  it("mirrors every tick of a scripted match into Schema fields that read back as the quantised frame", () => {
    const match = new PeerMatch({ seed: 99, durationSeconds: 20 });
    const state = createRoomState(SEATS);
    const ids = new Array<number>(SEATS).fill(0);
    for (let i = 0; i < 20 * 60 && !match.over; i++) {
      for (let seat = 0; seat < SEATS; seat++) {
        const input: RunnerInput | null = scriptedInput(match.state, seat);
        if (input) match.admit(seat, { id: ++ids[seat]!, ...input });
      }
      match.stepOnce();
      mirrorState(match.state, state);
      expect(toQuantised(state)).toEqual(quantize(match.state));
    }
  });

  it("reaches a client through Schema patches: full state, then one patch per 3 ticks, decoded equal to the server's frame", () => {
    const match = new PeerMatch({ seed: 5, durationSeconds: 20 });
    const server = createRoomState(SEATS);
    mirrorState(match.state, server);
    const encoder = new Encoder(server);
    const client = new RunnerRoomState();
    const decoder = new Decoder(client);
    decoder.decode(encoder.encodeAll());
    encoder.discardChanges();
    expect(toQuantised(client)).toEqual(quantize(match.state));
    const ids = new Array<number>(SEATS).fill(0);
    let patchBytes = 0;
    let patches = 0;
    for (let i = 0; i < 15 * 60 && !match.over; i++) {
      for (let seat = 0; seat < SEATS; seat++) {
        const input = scriptedInput(match.state, seat);
        if (input) match.admit(seat, { id: ++ids[seat]!, ...input });
      }
      match.stepOnce();
      mirrorState(match.state, server);
      if (match.tick % 3 === 0) {
        const patch = encoder.encode();
        encoder.discardChanges();
        decoder.decode(patch);
        patchBytes += patch.byteLength;
        patches += 1;
        expect(toQuantised(client)).toEqual(quantize(match.state));
      }
    }
    expect(patches).toBeGreaterThan(100);
    // Only changed fields travel: a patch is far smaller than the 23-number frame.
    expect(patchBytes / patches).toBeLessThan(40);
  });

  it("has the runner's 4 seats and 5 obstacle slots", () => {
    const s = createRoomState(SEATS);
    expect(s.players.length).toBe(SEATS);
    expect(toQuantised(s)).toHaveLength(quantize(runner.create(1, {}, SEATS, 0)).length);
  });
});
