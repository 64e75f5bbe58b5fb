/**
 * Import boundaries of src/ (checked by `npm run check:boundaries`, part of `npm test`):
 * layers import downward only, and there are no cycles anywhere. Type-only imports count too.
 */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "No import cycles anywhere in src/.", from: { path: "^src/" }, to: { circular: true } },
    {
      name: "games-are-pure",
      severity: "error",
      comment: "Games import nothing from the room, the worker, the client or the app.",
      from: { path: "^src/games/", pathNot: "^src/games/[^/]+/client/" },
      to: { path: "^src/(room|worker|client|server|testing|app)/" },
    },
    {
      name: "game-rules-ignore-their-client",
      severity: "error",
      comment: "A game's rules never import its browser-side client code (the room loads the rules alone).",
      from: { path: "^src/games/", pathNot: "^src/games/[^/]+/client/" },
      to: { path: "^src/games/[^/]+/client/" },
    },
    {
      name: "game-clients-use-only-the-realtime-helpers",
      severity: "error",
      comment:
        "A game's own client folder (src/games/<id>/client/: its predictor and interpolation adapter) ships to " +
        "browsers next to the SDK and builds on the SDK's generic real-time helpers (Predictor, field modes), " +
        "so it may import src/client/realtime/ and nothing else of the client, the room, the worker or the app.",
      from: { path: "^src/games/[^/]+/client/" },
      to: { path: "^src/(room|worker|server|testing|app)/|^src/client/(?!realtime/)" },
    },
    {
      name: "core-is-io-free",
      severity: "error",
      comment: "The I/O-free room core imports nothing from its Durable Object host or the worker.",
      from: { path: "^src/room/core/" },
      to: { path: "^src/(room/host|worker|client|server|app)/" },
    },
    {
      name: "protocol-is-the-bottom",
      severity: "error",
      comment: "The wire protocol imports nothing above it.",
      from: { path: "^src/protocol/" },
      to: { path: "^src/(games|room|worker|client|server|testing|replay|app|shared)/" },
    },
    {
      name: "client-stays-client",
      severity: "error",
      comment: "The client SDK never imports the room or the worker (it ships to browsers).",
      from: { path: "^src/client/" },
      to: { path: "^src/(room|worker|server|app)/" },
    },
    {
      name: "testing-uses-the-core",
      severity: "error",
      comment: "edgeroom/testing runs the I/O-free core in process: never the host, the worker or an app.",
      from: { path: "^src/testing/" },
      to: { path: "^src/(room/host|worker|server|app)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|dist|web-dist)" },
  },
};
