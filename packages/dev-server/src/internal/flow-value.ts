// The publish headers that put a message under a flow-control key, and the key rules.
import { keyProblem as clientKeyProblem } from "@qstash-flow/fetch";
import { periodSeconds } from "@qstash-flow/flow-control";
import { orReason, positiveIntegerText } from "./integer.js";

/** A message's flow-control configuration; a missing limit means none. Period in seconds. */
export interface FlowConfig {
  parallelism?: number;
  rate?: number;
  period?: number;
}

/**
 * Why `key` cannot be a flow-control key, or undefined when it can: the client's own
 * rules, so the server refuses exactly what no client could address.
 */
export function keyProblem(key: string): string | undefined {
  if (key === "") return "the flow-control key is missing";
  return clientKeyProblem(key);
}

/**
 * Seconds from `10s`, `1m`, `1h`, `1d` or bare seconds, or the reason it is not a
 * period: the client's own rules and limit (at most one week, as the API documents).
 */
export function parsePeriod(text: string): number | string {
  return orReason(() => periodSeconds(/^\d+$/.test(text) ? Number(text) : text));
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
    const value = name === "period" ? parsePeriod(text) : orReason(() => positiveIntegerText(name, text));
    if (typeof value === "string") return `Upstash-Flow-Control-Value: ${value}`;
    config[name] = value;
  }
  if (config.parallelism === undefined && config.rate === undefined) {
    return "Upstash-Flow-Control-Value: give parallelism and/or rate";
  }
  return config;
}
