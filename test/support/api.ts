/**
 * HTTP helpers shared by workerd tests (SELF.fetch) and end-to-end tests
 * (global fetch against a spawned `wrangler dev`).
 */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface Guest {
  playerId: string;
  name: string;
  token: string;
}

export class Api {
  constructor(
    readonly fetch: Fetch,
    readonly base: string,
  ) {}

  async guest(name: string): Promise<Guest> {
    const res = await this.post("/api/guest", { name });
    if (res.status !== 201) throw new Error(`guest: ${res.status} ${await res.text()}`);
    return (await res.json()) as Guest;
  }

  async createMatch(token: string, body: Record<string, unknown>): Promise<string> {
    const res = await this.post("/api/matches", body, token);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    const json = (await res.json()) as { matchId: string };
    return json.matchId;
  }

  async ticket(token: string, matchId: string, role: "player" | "spectator" = "player"): Promise<{ ticket: string; url: string }> {
    const res = await this.post(`/api/matches/${matchId}/ticket`, { role }, token);
    if (res.status !== 200) throw new Error(`ticket: ${res.status} ${await res.text()}`);
    return (await res.json()) as { ticket: string; url: string };
  }

  async status(matchId: string): Promise<Response> {
    return this.fetch(`${this.base}/api/matches/${matchId}`);
  }

  post(path: string, body: unknown, token?: string): Promise<Response> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (token) headers["Authorization"] = `Bearer ${token}`;
    return this.fetch(`${this.base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  }

  wsPath(matchId: string, ticket: string, v = 1): string {
    return `${this.base}/api/matches/${matchId}/ws?ticket=${encodeURIComponent(ticket)}&v=${v}`;
  }
}
