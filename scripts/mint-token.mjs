#!/usr/bin/env node
// Mint a player token for your own accounts, signed with the deployment's AUTH_SECRET.
//
//   AUTH_SECRET=... npm run mint-token -- --sub user-123 --name "Ada" [--ttl 3600]
//
// The token is an HS256 JWT: { iss: "edgeroom", aud: "edgeroom:player", sub, name, iat, exp }.
// Give it to the player's client, which exchanges it for a short-lived join ticket
// (POST /api/matches/:id/ticket) before opening the WebSocket. See README "Tokens for your own players".
import { sign } from "hono/jwt";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { sub: { type: "string" }, name: { type: "string" }, ttl: { type: "string", default: "86400" } },
});
const secret = process.env.AUTH_SECRET ?? "";
const fail = (msg) => {
  console.error(`mint-token: ${msg}`);
  process.exit(2);
};
if (secret.length < 32) fail("set AUTH_SECRET (at least 32 characters) in the environment.");
if (!values.sub || !/^[A-Za-z0-9_.:@-]{1,64}$/.test(values.sub)) fail("--sub must be 1-64 of A-Z a-z 0-9 _ . : @ -");
const name = (values.name ?? values.sub).trim();
if (name.length < 1 || name.length > 32 || /\p{C}/u.test(name)) fail("--name must be 1-32 printable characters");
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400) fail("--ttl must be whole seconds between 60 and 2592000");

const now = Math.floor(Date.now() / 1000);
const token = await sign({ iss: "edgeroom", aud: "edgeroom:player", sub: values.sub, name, iat: now, exp: now + ttl }, secret, "HS256");
process.stdout.write(token + "\n");
