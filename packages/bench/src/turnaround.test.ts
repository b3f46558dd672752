// The turnaround probe, over real sockets: it times the client's part of a call (from the
// reply's bytes to the next request's), and leaves Node's sockets as it found them.
import { mkdtempSync } from "node:fs";
import { Agent } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bareRequest } from "./clients.mjs";
import { startServerProcess } from "./loopback.mjs";
import { measureTurnaround, watchTurnarounds } from "./turnaround.mjs";

let server: Awaited<ReturnType<typeof startServerProcess>>;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(() => server.close());

/** Busy for `ms`: work the client does between a reply and its next request. */
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("the turnaround probe", () => {
  const agent = new Agent({ keepAlive: true });
  const bare = () => bareRequest(`${server.url}/v2/flowControl/k/pause`, { authorization: "Bearer t" }, agent);

  test("times each call's client work, from a reply to the next request, once per call, and no pipe's writes", async () => {
    // A local pipe, as stdout may be: a socket with no peer port, whose bytes are no request.
    const sink = net.createServer((socket) => socket.resume());
    const pipePath = join(mkdtempSync(join(tmpdir(), "turnaround-")), "pipe");
    await new Promise<void>((resolve) => sink.listen(pipePath, resolve));
    const pipe = net.connect(pipePath);
    await new Promise((resolve) => pipe.once("connect", resolve));
    const watch = watchTurnarounds();
    try {
      for (let call = 0; call < 6; call++) {
        await bare();
        await new Promise((resolve) => pipe.write("log line\n", resolve));
        busy(3);
      }
    } finally {
      watch.stop();
      pipe.destroy();
      sink.close();
    }
    // The first request answers no reply of this watch; each later one follows 3 ms of work.
    expect(watch.gaps).toHaveLength(5);
    for (const gap of watch.gaps) expect(gap).toBeGreaterThanOrEqual(3);
  });

  test("leaves sockets as it found them, and watches once at a time", async () => {
    const { _writeGeneric } = net.Socket.prototype as unknown as { _writeGeneric: unknown };
    const watch = watchTurnarounds();
    try {
      expect(() => watchTurnarounds()).toThrow(/already being watched/);
    } finally {
      watch.stop();
    }
    expect(Object.hasOwn(net.Socket.prototype, "push")).toBe(false);
    expect((net.Socket.prototype as unknown as { _writeGeneric: unknown })._writeGeneric).toBe(_writeGeneric);
    await bare();
    expect(watch.gaps).toHaveLength(0);
  });

  test("rounds give each contestant its median, in µs, with the work it does on the critical path", async () => {
    const list = [
      { id: "bare", call: bare },
      {
        id: "slow",
        call: () => {
          busy(2);
          return bare();
        },
      },
    ];
    const measured = await measureTurnaround(list, { ops: 5, rounds: 3 });
    expect(measured.bare).toHaveLength(3);
    expect(measured.slow).toHaveLength(3);
    for (const micros of measured.slow ?? []) expect(micros).toBeGreaterThanOrEqual(2000);
  });
});
