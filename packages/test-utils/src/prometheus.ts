/// <reference path="./parse-prometheus-text-format.d.ts" />
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { freePort } from "./port.ts";
import { waitUntil } from "./wait.ts";

/** Why Prometheus cannot be run here and how to fix that; undefined when it can. */
export const PROMETHEUS_MISSING: string | undefined = (() => {
  const missing = ["prometheus", "promtool"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
  if (missing.length === 0) return undefined;
  return (
    `${missing.join(" and ")} not found on PATH. Install Prometheus: \`sudo apt-get install prometheus\` ` +
    "on Debian or Ubuntu (2.42, the version CI uses), or a release from https://prometheus.io/download/"
  );
})();

/**
 * Skip the Prometheus tests when it is missing, with a note saying how to install it; but
 * never under CI, which installs it (.ci/run): there a missing Prometheus fails them.
 */
export const SKIP_PROMETHEUS = PROMETHEUS_MISSING !== undefined && !process.env.CI;
if (SKIP_PROMETHEUS) console.warn(`Prometheus tests skipped: ${PROMETHEUS_MISSING}`);

/** Throws the install hint when Prometheus is missing: for a `beforeAll`. */
export function requirePrometheus(): void {
  if (PROMETHEUS_MISSING) throw new Error(PROMETHEUS_MISSING);
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `promtool ...args`, with `input` on its stdin. */
export function promtool(args: string[], input = ""): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** One sample of an instant query: its labels (`__name__` included) and value. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  url: string;
  /** GET `/api/v1/<path>`: its `data`, or an error with Prometheus's own message. */
  api<T = unknown>(path: string, params?: Record<string, string>): Promise<T>;
  /** An instant query's vector. */
  query(expr: string): Promise<Sample[]>;
  /** What Prometheus logged so far. */
  log(): string;
  close(): Promise<void>;
}

/**
 * A Prometheus on a free 127.0.0.1 port with its files and storage in a temporary directory
 * (removed by `close`), scraping `target` (host:port of /metrics) and evaluating `rules` (a
 * rules file's text), both every second so that a test waits seconds for what it looks
 * for. Resolves once Prometheus says it is ready.
 */
export async function startPrometheus(target: string, rules?: string): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-prometheus-"));
  const config = join(dir, "prometheus.yml");
  if (rules !== undefined) await writeFile(join(dir, "rules.yml"), rules);
  await writeFile(
    config,
    // JSON is YAML: Prometheus reads it as its config.
    JSON.stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: rules === undefined ? [] : [join(dir, "rules.yml")],
      scrape_configs: [{ job_name: "qstash-flow", static_configs: [{ targets: [target] }] }],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn(
    "prometheus",
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  async function close(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }

  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
    }, "Prometheus to be ready");
  } catch (error) {
    await close();
    throw error;
  }

  async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  }

  return {
    url,
    api,
    async query(expr) {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>("query", {
        query: expr,
      });
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    log: () => log,
    close,
  };
}

/** One metric family of a scrape, as a Prometheus text-format parser reads it. */
export interface Family {
  name: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

/** Prometheus text, parsed by a Prometheus text-format parser: each family by name. */
export function parseMetrics(text: string): Map<string, Family> {
  return new Map((parsePrometheusTextFormat(text) as Family[]).map((family) => [family.name, family]));
}

export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
  families: Map<string, Family>;
  /** The value of `name` with exactly `labels`, or undefined when there is no such series. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The label values of `label` over every series of `name`. */
  labelValues(name: string, label: string): string[];
}

export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  const text = await response.text();
  const families = parseMetrics(text);
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text,
    families,
    value(name, labels = {}) {
      const sample = families.get(name)?.metrics.find((metric) => same(metric.labels ?? {}, labels));
      return sample === undefined ? undefined : Number(sample.value);
    },
    labelValues(name, label) {
      return (families.get(name)?.metrics ?? []).map((metric) => metric.labels?.[label] ?? "");
    },
  };
}
