// Shared pieces of the integration tests: a sink that records (and can hold) the
// deliveries it receives, and the workspace's publish and wait helpers bound to a dev server.
import { FlowControl } from "@qstash-flow/flow-control";
import {
  type LoopbackServer,
  publishRequest,
  publishUrl as routeFor,
  startLoopbackServer,
  waitUntil,
} from "@qstash-flow/test-utils";
import { afterEach, expect } from "vitest";
import type { DevServer, DevServerEvent } from "../src/index.ts";

export interface Sink {
  url: string;
  server: LoopbackServer;
  /** Bodies in arrival order. */
  bodies(): string[];
  /** Deliveries the sink is holding open now. */
  readonly open: number;
  /** The most deliveries ever open at once. */
  readonly maxOpen: number;
  /** Answers the oldest held delivery. */
  release(): void;
  /** Answers every held delivery. */
  releaseAll(): void;
  close(): Promise<void>;
}

/** A destination on 127.0.0.1. With `hold`, each delivery stays open until `release()`. */
export async function startSink(options: { hold?: boolean; status?: number } = {}): Promise<Sink> {
  const held: Array<() => void> = [];
  let open = 0;
  let maxOpen = 0;
  const server = await startLoopbackServer(async (_request, response) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    if (options.hold) await new Promise<void>((resolve) => held.push(resolve));
    open--;
    response.statusCode = options.status ?? 200;
    response.end("ok");
  });
  return {
    url: new URL("/hook", server.url).href,
    server,
    bodies: () => server.requests.map((request) => request.body),
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    release: () => held.shift()?.(),
    releaseAll: () => {
      for (const resolve of held.splice(0)) resolve();
    },
    close: () => server.close(),
  };
}

export interface PublishOptions {
  key?: string;
  value?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Send the destination raw after /v2/publish/, as the official SDK does, instead of percent-encoded. */
  raw?: boolean;
  token?: string;
}

/** The publish route for `destination`: percent-encoded, or `raw` as the official SDK writes it. */
export const publishUrl = (server: DevServer, destination: string, raw = false): URL =>
  routeFor(server.url, destination, !raw);

/** One publish to `server`, its answer as it came. */
export function publish(server: DevServer, destination: string, options: PublishOptions = {}): Promise<Response> {
  const { key, value, body = "", headers, raw = false, token = server.token } = options;
  return publishRequest({
    url: server.url,
    token,
    destination,
    encoded: !raw,
    ...(key !== undefined && { key }),
    ...(value !== undefined && { value }),
    headers: { "content-type": "text/plain", ...headers },
    body,
  });
}

/** Publishes and insists on 201, so a refused publish fails the test where it happened. */
export async function publishOk(server: DevServer, destination: string, options: PublishOptions = {}): Promise<string> {
  const response = await publish(server, destination, options);
  const body = (await response.json()) as { messageId?: string; error?: string };
  if (response.status !== 201) throw new Error(`publish answered ${response.status}: ${body.error}`);
  if (typeof body.messageId !== "string") throw new Error(`publish answered 201 without a messageId`);
  return body.messageId;
}

export function flowControl(server: DevServer): FlowControl {
  return new FlowControl({ baseUrl: server.url, token: server.token, maxRetries: 0 });
}

/**
 * Waits until `check` returns instead of throwing (an `expect` that holds) and gives what
 * it returned; a condition that never holds fails with its last error, after the shared
 * `waitUntil`'s generous limit.
 */
export async function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  let outcome: { value: T } | undefined;
  let last: unknown;
  await waitUntil(
    async () => {
      try {
        outcome = { value: await check() };
        return true;
      } catch (error) {
        last = error;
        return false;
      }
    },
    () => `a check that still fails: ${last instanceof Error ? last.message : String(last)}`,
  ).catch((error: Error) => {
    throw Object.assign(error, { cause: last });
  });
  return (outcome as { value: T }).value;
}

/**
 * A delivery that is started after everything published so far: once it has arrived,
 * anything that was going to be sent at publish time has been sent too.
 */
export async function barrier(server: DevServer, sink: Sink): Promise<void> {
  const marker = `barrier-${Math.random()}`;
  await publishOk(server, sink.url, { body: marker });
  await eventually(() => {
    if (!sink.bodies().includes(marker)) throw new Error("the barrier message has not arrived");
  });
}

/**
 * Sinks for the tests of one file: `sink()` starts one, and after each test every sink
 * started in it is released, then closed, so no delivery of one test is left for the next.
 */
export function sinksPerTest(): (options?: Parameters<typeof startSink>[0]) => Promise<Sink> {
  const sinks: Sink[] = [];
  afterEach(async () => {
    for (const s of sinks.splice(0)) {
      s.releaseAll();
      await s.close();
    }
  });
  return async (options = {}) => {
    const started = await startSink(options);
    sinks.push(started);
    return started;
  };
}

/** Waits until `sink` has received exactly `length` bodies. */
export const count = (sink: Sink, length: number) => eventually(() => expect(sink.bodies()).toHaveLength(length));

/** Every event the server reported, with a wait for the first that matches. */
export function recorder() {
  const events: DevServerEvent[] = [];
  return {
    events,
    log: (event: DevServerEvent) => {
      events.push(event);
    },
    /** The events of one type, in order. */
    of<T extends DevServerEvent["type"]>(type: T): Extract<DevServerEvent, { type: T }>[] {
      return events.filter((event): event is Extract<DevServerEvent, { type: T }> => event.type === type);
    },
    /** Waits until an event of `type` for `messageId` (any message when omitted) has been reported. */
    next<T extends DevServerEvent["type"]>(type: T, messageId?: string): Promise<Extract<DevServerEvent, { type: T }>> {
      return eventually(() => {
        const found = events.find(
          (event): event is Extract<DevServerEvent, { type: T }> =>
            event.type === type && (messageId === undefined || ("messageId" in event && event.messageId === messageId)),
        );
        if (!found) throw new Error(`no ${type} event${messageId ? ` for ${messageId}` : ""} yet`);
        return found;
      });
    },
  };
}

/**
 * A destination on 127.0.0.1 that answers its requests with `script`'s statuses in turn
 * (the last one for every request after), each with `body` and `headers`.
 */
export async function scripted(
  script: number[],
  reply: { body?: string; headers?: Record<string, string> } = {},
): Promise<LoopbackServer & { hook: string }> {
  let answered = 0;
  const server = await startLoopbackServer((_request, response) => {
    const status = script[Math.min(answered++, script.length - 1)] as number;
    response.writeHead(status, reply.headers);
    response.end(reply.body ?? "");
  });
  return Object.assign(server, { hook: new URL("/hook", server.url).href });
}
