import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));

/**
 * The child's next IPC message of `type`; rejects if the child exits first.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<any>}
 */
export function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code) => {
      child.off("message", onMessage);
      reject(new Error(`the child process exited (code ${code}) while waiting for "${type}"`));
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/**
 * Starts server.mjs in a child process and resolves once it listens on 127.0.0.1.
 * @returns {Promise<{ url: string, record: (call: () => Promise<unknown>) => Promise<any>, reached: (count: number) => Promise<number>, served: () => Promise<number>, close: () => Promise<void> }>}
 */
export async function startServerProcess() {
  const child = fork(SERVER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = (type) => nextMessage(child, type);

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
    /** Resolves once the server has received `count` requests in all (at once if it has). */
    async reached(count) {
      const reply = next("reached");
      child.send({ type: "await", count });
      return (await reply).served;
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
