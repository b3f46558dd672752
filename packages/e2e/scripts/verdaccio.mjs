// Runs a local npm registry for the release test: `node verdaccio.mjs <config.yaml>`.
// It listens on 127.0.0.1 with a free port and prints {"url": ...} as its first line,
// so the caller never guesses a port that another process may hold.
import { runServer } from "verdaccio";

const configPath = process.argv[2];
if (!configPath) {
  console.error("usage: node verdaccio.mjs <config.yaml>");
  process.exit(2);
}

const app = await runServer(configPath);
const server = app.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/` })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
