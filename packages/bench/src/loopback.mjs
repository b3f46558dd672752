import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));

/**
 * Starts server.mjs in a child process and resolves once it listens on 127.0.0.1.
 * @returns {Promise<{ url: string, record: (call: () => Promise<unknown>) => Promise<any>, served: () => Promise<number>, close: () => Promise<void> }>}
 */
export async function startServerProcess() {
  const child = fork(SERVER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message);
      };
      const onExit = (code) => {
        child.off("message", onMessage);
        reject(new Error(`the loopback server exited (code ${code}) while waiting for "${type}"`));
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });

  const { port } = await next("listening");
  const base = new URL("http://127.0.0.1");
  base.port = String(port);
  const url = base.origin;
  return {
    url,
    /** Runs `call` and resolves with the request the server received from it. */
    async record(call) {
      const armed = next("armed");
      child.send({ type: "record" });
      await armed;
      const recorded = next("recorded");
      await call();
      return (await recorded).request;
    },
    /** How many requests the server has answered so far. */
    async served() {
      const reply = next("count");
      child.send({ type: "count" });
      return (await reply).served;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" });
      await exited;
    },
  };
}
