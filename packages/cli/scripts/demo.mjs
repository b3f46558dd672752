// `pnpm demo`: the qstash-flow CLI against a local QStash dev server, end to end.
// Starts the dev server and a sink in this process, publishes messages under a
// flow-control key, and walks the built CLI through every operation, printing what the
// CLI said and what the sink received. Each step checks its own claim, so the demo fails
// (exit 1) rather than tell a story that did not happen. No token or network needed.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevServer } from "@qstash-flow/dev-server";

const BIN = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const KEY = "demo-orders";
// Producers ask for this; pinning overrides it.
const PRODUCER_VALUE = "parallelism=2, rate=20, period=1m";
// Hang guards, not speed requirements: on a loaded machine a step may take many seconds,
// and every step waits for the event it shows, so only a hang reaches these.
const DEADLINE_MS = 300_000;
const STEP_TIMEOUT_MS = 120_000;
const CLOSE_TIMEOUT_MS = 30_000;

const say = (text = "") => process.stdout.write(`${text}\n`);
const indent = (text) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

class DemoFailure extends Error {}

function check(condition, claim) {
  if (!condition) throw new DemoFailure(`expected ${claim}`);
}

/** A destination on 127.0.0.1 that records every message the dev server delivers. */
async function startSink() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push(Buffer.concat(chunks).toString("utf8"));
      response.end("ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(`http://127.0.0.1:${server.address().port}/orders`);
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, received, close };
}

/** Runs the built bin; prints the command line and what it printed. */
async function cli(env, ...args) {
  say(`  $ qstash-flow ${args.join(" ")}`);
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (error, out, err) =>
      resolve({ code: error ? error.code : 0, stdout: out, stderr: err }),
    );
  });
  if (stdout.trim()) say(indent(stdout));
  if (stderr.trim()) say(indent(stderr));
  check(code === 0, `\`qstash-flow ${args.join(" ")}\` to exit 0, not ${code}`);
  return stdout;
}

/** The key's state, read through the CLI's JSON output (not printed: the table is). */
function state(env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, "get", KEY, "--json"], { env: { ...process.env, ...env } }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout)),
    );
  });
}

async function until(condition, claim, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    check(Date.now() < deadline, claim);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function publish(dev, sink, bodies) {
  for (const body of bodies) {
    // The publish route takes the destination URL itself as the rest of its path.
    const target = new URL(`/v2/publish/${sink.url.href}`, dev.url);
    const response = await fetch(target, {
      method: "POST",
      headers: {
        authorization: `Bearer ${dev.token}`,
        "upstash-flow-control-key": KEY,
        "upstash-flow-control-value": PRODUCER_VALUE,
        "content-type": "text/plain",
      },
      body,
    });
    check(response.status === 201, `publish to answer 201, not ${response.status} ${await response.text()}`);
  }
  say(`  published ${bodies.join(", ")}  (Upstash-Flow-Control-Value: ${PRODUCER_VALUE})`);
}

const orders = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => `order-${from + i}`);

function sinkReport(sink, since) {
  const fresh = sink.received.slice(since);
  say(`  sink received ${fresh.length ? fresh.join(", ") : "nothing"}  (${sink.received.length} in all)`);
}

async function main() {
  const dev = await startDevServer({ port: 0, globalParallelism: 10 });
  const sink = await startSink();
  const env = { QSTASH_URL: dev.url, QSTASH_TOKEN: dev.token };
  try {
    say("qstash-flow demo: the CLI against a local QStash dev server (no token, no network)");
    say(`  dev server ${dev.url}, sink ${sink.url.href}`);

    say("\n1. Producers publish under the flow-control key; the sink gets the messages.");
    await publish(dev, sink, orders(1, 3));
    await until(() => sink.received.length === 3, "the sink to receive the first 3 messages");
    sinkReport(sink, 0);

    say("\n2. list: every key, with its state and limits.");
    check((await cli(env, "list")).includes(KEY), `list to show ${KEY}`);

    say("\n3. get: one key in detail.");
    await cli(env, "get", KEY);

    say("\n4. pause: new messages wait in the waitlist and nothing is delivered.");
    await cli(env, "pause", KEY);
    let seen = sink.received.length;
    await publish(dev, sink, orders(4, 8));
    const paused = await state(env);
    check(paused.isPaused && paused.waitListSize === 5, "a paused key with 5 waiting messages");
    await cli(env, "get", KEY);
    check(sink.received.length === seen, "no delivery while paused");
    sinkReport(sink, seen);

    say("\n5. resume: the waitlist drains to the sink.");
    await cli(env, "resume", KEY);
    await until(() => sink.received.length === seen + 5, "the 5 waiting messages to be delivered");
    await until(async () => (await state(env)).waitListSize === 0, "an empty waitlist");
    sinkReport(sink, seen);
    await cli(env, "get", KEY);

    say("\n6. pin: fix the rate at 3 per minute; the producers' rate=20 is ignored from now on.");
    await cli(env, "pin", KEY, "--parallelism", "1", "--rate", "3", "--period", "1m");
    seen = sink.received.length;
    await publish(dev, sink, orders(9, 13));
    await until(() => sink.received.length === seen + 3, "3 deliveries under the pinned rate");
    const limited = await state(env);
    check(limited.rateCount === 3 && limited.waitListSize === 2, "the rate used up (3/3) and 2 messages waiting");
    sinkReport(sink, seen);
    await cli(env, "get", KEY);

    say("\n7. reset-rate: a new rate period starts now, so the 2 waiting messages go out.");
    seen = sink.received.length;
    await cli(env, "reset-rate", KEY);
    await until(() => sink.received.length === seen + 2, "the 2 waiting messages to be delivered");
    sinkReport(sink, seen);
    await cli(env, "get", KEY);

    say("\n8. unpin: the last pinned values apply until a message brings its own configuration.");
    await cli(env, "unpin", KEY, "--parallelism", "--rate");
    const unpinned = await state(env);
    check(!unpinned.isPinnedParallelism && !unpinned.isPinnedRate, "nothing pinned after unpin");
    check(unpinned.rateMax === 3, "the pinned rate (3) to stay until a new message arrives");
    seen = sink.received.length;
    await publish(dev, sink, orders(14, 14));
    await until(() => sink.received.length === seen + 1, "the new message to be delivered");
    await until(async () => (await state(env)).rateMax === 20, "the producers' rate=20 to apply again");
    sinkReport(sink, seen);
    await cli(env, "get", KEY, "--json");

    say("\n9. global: the account-wide parallelism.");
    await cli(env, "global");

    say("\n10. Flow control as code: export the live state, declare a change, plan it, apply it.");
    const dir = await mkdtemp(join(tmpdir(), "qstash-flow-demo-"));
    try {
      await cli(env, "export");
      const file = join(dir, "flow.yaml");
      await writeFile(file, `keys:\n  ${KEY}:\n    paused: false\n    parallelism: 4\n`);
      say(`  flow.yaml: ${KEY} not paused, parallelism pinned to 4`);
      check((await cli(env, "plan", file)).includes("pin parallelism 4"), "plan to show the pin");
      await cli(env, "apply", file, "--yes");
      check((await state(env)).parallelismMax === 4, "apply to pin parallelism 4");
      check((await cli(env, "plan", file)).startsWith("No changes"), "a second plan to find nothing to do");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    say("\n11. Many keys at once: every key with a prefix, after a confirmation (--yes in scripts).");
    await cli(env, "pause", "--prefix", "demo-", "--yes");
    await cli(env, "resume", "--prefix", "demo-", "--yes");

    check(sink.received.length === 14, "all 14 messages at the sink");
    say("\nDone: 14 messages published, 14 delivered, every CLI command exited 0.");
  } finally {
    await closeAll({ "dev server": dev.close(), sink: sink.close() });
  }
}

/** Waits for every close, but not forever: a hung one is named on stderr, not waited on. */
async function closeAll(closing) {
  const pending = new Set(Object.keys(closing));
  const done = Promise.all(Object.entries(closing).map(([name, promise]) => promise.then(() => pending.delete(name))));
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
  });
  await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (pending.size > 0) {
    process.stderr.write(`demo: ${[...pending].join(" and ")} did not close within ${CLOSE_TIMEOUT_MS} ms\n`);
  }
}

const deadline = setTimeout(() => {
  process.stderr.write(`demo: did not finish within ${DEADLINE_MS / 1000} s\n`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

// Exits explicitly: the result is known, and a connection some library keeps alive must
// not keep the demo running.
main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof DemoFailure ? error.message : (error?.stack ?? error)}\n`);
    process.exit(1);
  },
);
