// A message as the scheduler holds it, from publish to its last attempt.
import { randomUUID } from "node:crypto";
import type { FlowConfig } from "./flow-value.js";
import type { RetryDelay } from "./retry-delay.js";

/** Where a callback or failure callback goes and how it is delivered (`Upstash-Callback-*`). */
export interface CallbackTarget {
  url: URL;
  method: string;
  /** `Upstash-Callback-Forward-*` (or failure-callback) headers, unprefixed. */
  headers: Record<string, string>;
  retries: number;
  retryDelay: RetryDelay | undefined;
  timeout: number;
  /** Milliseconds the callback waits before its first attempt (`Upstash-Callback-Delay`). */
  delay: number;
}

export interface Message {
  id: string;
  destination: URL;
  method: string;
  /** What the destination sees besides the signature and `Upstash-Retried`. */
  headers: Record<string, string>;
  body: Buffer;
  key: string | undefined;
  /** The configuration its `Upstash-Flow-Control-Value` gave, if any: shown by the API, followed again on a DLQ retry. */
  flow: FlowConfig | undefined;
  /** Retries after the first attempt (`Upstash-Retries`). */
  retries: number;
  retryDelay: RetryDelay | undefined;
  /** Milliseconds one attempt may take (`Upstash-Timeout`, else `deliveryTimeout`). */
  timeout: number;
  callback: CallbackTarget | undefined;
  failureCallback: CallbackTarget | undefined;
  label: string | undefined;
  /** `Upstash-Redact-Fields` as given, kept with a dead message for whatever lists it. */
  redact: string | undefined;
  /** Unix ms. */
  createdAt: number;
  /** Unix ms before which no attempt starts. */
  notBefore: number;
  /** Attempts so far minus one once one was made: the `Upstash-Retried` of the next attempt. */
  retried: number;
  callerIp: string;
  /** Callbacks get no callbacks of their own. */
  kind: "message" | "callback" | "failureCallback";
}

/** A new message id, in QStash's form. */
export const newMessageId = (): string => `msg_${randomUUID().replaceAll("-", "")}`;
