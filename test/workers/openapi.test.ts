/**
 * The OpenAPI document served by the worker: generated from the protocol's
 * zod schemas, listing exactly the routes the Hono app serves, and the
 * reference page that loads its script from the worker's own assets.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { appGames } from "../support/app-games";
import { createApp } from "../../src/worker/app";
import { apiRoutes } from "../../src/worker/api-docs";
import { honoPath } from "../../src/worker/api-routes";

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
}

const fetchDoc = async () => (await (await SELF.fetch("https://edgeroom.test/api/openapi.json")).json()) as Doc;

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document with the protocol's schemas as components", async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe("3.1.0");
    for (const id of ["PublicStatus", "CreateMatchRequest", "CreatedMatch", "Guest", "Ticket", "Replay", "Metrics", "Health", "ApiError"]) {
      expect(Object.keys(doc.components.schemas)).toContain(id);
    }
  });

  it("has only patterns a JSON Schema validator can compile (no JavaScript regex flags leaked into them)", async () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== "object") return;
      for (const [k, v] of Object.entries(node)) if (k === "pattern" && typeof v === "string") patterns.push(v);
      else walk(v);
    };
    walk(await fetchDoc());
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.filter((p) => /\/[dgimsuvy]+$/.test(p))).toEqual([]);
  });

  it("documents every route the worker serves, and nothing it does not", async () => {
    const doc = await fetchDoc();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${honoPath(path)}`))
      .sort();
    // The app's own routing table; ALL entries are the 405 answers and middleware, not operations.
    const served = [...new Set(createApp(appGames).routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();
    expect(documented).toEqual(served);
    expect(documented).toHaveLength(apiRoutes().length);
  });

  it("answers a wrong method on a documented path with 405 and the documented methods", async () => {
    const res = await SELF.fetch("https://edgeroom.test/api/openapi.json", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET");
  });
});

describe("GET /api/docs", () => {
  it("is an HTML page that loads the reference script from the worker's assets, not a CDN", async () => {
    const res = await SELF.fetch("https://edgeroom.test/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<script src="/vendor/scalar-api-reference.js"');
    expect(html).toContain('"url": "/api/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
