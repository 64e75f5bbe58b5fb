/** The SDK is typed by the game passed as its type parameter (checked by `npm run typecheck`). */
import { describe, expect, expectTypeOf, it } from "vitest";
import { joinMatch, type GameClient, type RoomOf } from "../../src/client";
import type { connectFour, C4View } from "../../src/games/connect-four";
import type { runner, RunnerInput } from "../../src/games/runner";

describe("the SDK typed by a game", () => {
  it("takes only that game's input in send and carries its view in rooms and updates", () => {
    expectTypeOf<Parameters<GameClient<typeof connectFour>["send"]>[0]>().toEqualTypeOf<{ type: "dropDisc"; column: number }>();
    expectTypeOf<Parameters<GameClient<typeof runner>["send"]>[0]>().toEqualTypeOf<RunnerInput>();
    expectTypeOf<NonNullable<RoomOf<typeof connectFour>["view"]>>().toEqualTypeOf<C4View>();
    const typed = (c: GameClient<typeof connectFour>) => {
      // @ts-expect-error: a runner input is not a Connect Four input.
      void c.send({ tick: 3, jump: true });
      void c.send({ type: "dropDisc", column: 3 });
      c.on("update", (u) => expectTypeOf(u.room?.view).toEqualTypeOf<C4View | null | undefined>());
    };
    expect(typeof typed).toBe("function");
    // Untyped use stays possible: any input, an unknown view.
    expectTypeOf<Parameters<GameClient<unknown>["send"]>[0]>().toEqualTypeOf<unknown>();
    expect(typeof joinMatch).toBe("function");
  });
});
