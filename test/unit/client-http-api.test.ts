/** The SDK's typed HTTP client against a scripted fetch: requests as the API expects them, answers checked by schema, errors typed. */
import { describe, expect, it } from "vitest";
import { ApiRequestError, createApi, type ApiFetch } from "../../src/client";

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function scripted(status: number, body: unknown): { fetch: ApiFetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: ApiFetch = async (url, init) => {
    sent.push({ url, ...init });
    return { status, text: async () => (typeof body === "string" ? body : JSON.stringify(body)) };
  };
  return { fetch, sent };
}

const guest = { playerId: "guest_abc", name: "Ada", token: "a.b.c", expiresAt: 1 };
const gameInfo = {
  id: "nim",
  title: "Nim",
  seats: { min: 2, max: 2 },
  kind: "turn-based",
  aiLevels: ["easy"],
  defaults: { turnMs: 30_000, graceMs: 60_000, disconnectPolicy: "forfeit", readyTimeoutMs: null },
};

async function refusal(p: Promise<unknown>): Promise<ApiRequestError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiRequestError)) throw new Error(`expected an ApiRequestError, got ${String(err)}`);
  return err;
}

describe("the SDK's HTTP client", () => {
  it("posts a guest name as JSON to the base URL without a doubled slash and returns the checked answer", async () => {
    const { fetch, sent } = scripted(201, guest);
    const api = createApi({ baseUrl: "https://play.example/", fetch });
    expect(await api.guest("Ada")).toEqual(guest);
    expect(sent).toEqual([{ url: "https://play.example/api/guest", method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"Ada"}' }]);
  });

  it("sends the player token as a bearer header when it asks for a ticket", async () => {
    const { fetch, sent } = scripted(200, { ticket: "t", expiresAt: 2, url: "wss://play.example/api/matches/m/ws?ticket=t" });
    const api = createApi({ baseUrl: "https://play.example", fetch });
    expect((await api.ticket("tok", "m/1", "spectator")).ticket).toBe("t");
    expect(sent[0]).toMatchObject({ url: "https://play.example/api/matches/m%2F1/ticket", headers: { Authorization: "Bearer tok" }, body: '{"role":"spectator"}' });
  });

  it("unwraps the game list from GET /api/games", async () => {
    const { fetch, sent } = scripted(200, { games: [gameInfo] });
    expect(await createApi({ baseUrl: "https://play.example", fetch }).games()).toEqual([gameInfo]);
    expect(sent[0]).toMatchObject({ url: "https://play.example/api/games", method: "GET" });
  });

  it("throws the API's own error code and message for a refusal", async () => {
    const { fetch } = scripted(404, { error: { code: "NOT_FOUND", message: "No such match." } });
    const err = await refusal(createApi({ baseUrl: "https://play.example", fetch }).status("m"));
    expect(err).toMatchObject({ status: 404, code: "NOT_FOUND", message: "No such match." });
  });

  it("names an error answer without the API's error body by its status", async () => {
    const { fetch } = scripted(502, "<html>bad gateway</html>");
    expect(await refusal(createApi({ baseUrl: "https://play.example", fetch }).replay("m"))).toMatchObject({ status: 502, code: "HTTP_502" });
  });

  it("refuses a success answer that does not match the protocol's schema instead of passing it on", async () => {
    const { fetch } = scripted(201, { playerId: "guest_abc", name: "Ada" });
    expect(await refusal(createApi({ baseUrl: "https://play.example", fetch }).guest("Ada"))).toMatchObject({ status: 201, code: "BAD_RESPONSE" });
  });

  it("reports a fetch that fails without an answer as a NETWORK error with no status", async () => {
    const fetch: ApiFetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    expect(await refusal(createApi({ baseUrl: "https://play.example", fetch }).games())).toMatchObject({ status: null, code: "NETWORK" });
  });
});
