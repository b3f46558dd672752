// The publish headers that put a message under a flow-control key, and the key rules.
import { keyProblem as clientKeyProblem } from "@qstash-flow/fetch";

/** A message's flow-control configuration; a missing limit means none. Period in seconds. */
export interface FlowConfig {
  parallelism?: number;
  rate?: number;
  period?: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Why `key` cannot be a flow-control key, or undefined when it can: the client's own
 * rules, so the server refuses exactly what no client could address.
 */
export function keyProblem(key: string): string | undefined {
  if (key === "") return "the flow-control key is missing";
  return clientKeyProblem(key);
}

function positive(name: string, text: string): number | string {
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
    return `${name} must be a positive integer, got ${JSON.stringify(text)}`;
  }
  return Number(text);
}

/** Seconds from `10s`, `1m`, `1h`, `1d` or bare seconds, or the reason it is not a duration. */
export function parseDuration(text: string): number | string {
  const match = /^([1-9]\d*)([smhd]?)$/.exec(text);
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] as number) : Number.NaN;
  if (!Number.isSafeInteger(seconds)) {
    return `period must be a positive duration like 10s, 1m, 1h, 1d or seconds, got ${JSON.stringify(text)}`;
  }
  return seconds;
}

/** `parallelism=<n>, rate=<n>, period=<duration>` (each part optional, any order) or the reason it is invalid. */
export function parseFlowControlValue(header: string): FlowConfig | string {
  const config: FlowConfig = {};
  const parts = header.split(",").map((part) => part.trim());
  for (const part of parts) {
    const match = /^([a-zA-Z]+)\s*=\s*(\S+)$/.exec(part);
    if (!match) return `Upstash-Flow-Control-Value: expected name=value parts, got ${JSON.stringify(part)}`;
    const name = (match[1] as string).toLowerCase();
    const text = match[2] as string;
    if (name !== "parallelism" && name !== "rate" && name !== "period") {
      return `Upstash-Flow-Control-Value: unknown part ${JSON.stringify(match[1])}; expected parallelism, rate, period`;
    }
    if (config[name] !== undefined) return `Upstash-Flow-Control-Value: ${name} is given twice`;
    const value = name === "period" ? parseDuration(text) : positive(name, text);
    if (typeof value === "string") return `Upstash-Flow-Control-Value: ${value}`;
    config[name] = value;
  }
  if (config.parallelism === undefined && config.rate === undefined) {
    return "Upstash-Flow-Control-Value: give parallelism and/or rate";
  }
  return config;
}
