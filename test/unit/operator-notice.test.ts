/** The play page's #room-notice text: what the operator said when an operator action ended the connection. */
import { describe, expect, it } from "vitest";
import { closedWords, operatorNotice } from "../../web/src/connection-text";
import type { ConnectionState } from "../../src/client/internal";

const closedBy = (code: number, reason: string): ConnectionState => ({ status: "closed", reason: { kind: "server", code, reason }, lastClose: { code, reason } });

describe("operator notice", () => {
  it("shows the operator's reason for a room closed (4011) or a player removed (4009)", () => {
    expect(operatorNotice(closedBy(4011, "Cheating reported"))).toBe("Room closed by operator: Cheating reported");
    expect(operatorNotice(closedBy(4009, "Abusive chat"))).toBe("Removed from the match by the operator: Abusive chat");
    expect(closedWords({ kind: "server", code: 4011, reason: "x" }, null)).toBe("The operator closed the room.");
  });

  it("explains a ticket refused because the player was removed", () => {
    const state: ConnectionState = { status: "closed", reason: { kind: "ticket-refused", status: 403, message: "REMOVED_FROM_MATCH: The operator removed this player from this match." }, lastClose: null };
    expect(operatorNotice(state)).toBe("Removed from the match by the operator: you cannot rejoin it.");
    if (state.status === "closed") expect(closedWords(state.reason, null)).toBe("The operator removed you from this match.");
  });

  it("says nothing for other closes or while connected", () => {
    expect(operatorNotice(closedBy(4005, "The match is over and the room is closed."))).toBeNull();
    expect(operatorNotice({ status: "open", openedAt: 0 })).toBeNull();
  });
});
