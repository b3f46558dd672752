export interface PublishOptions {
  /** The QStash (dev server) base URL. */
  url: string;
  token: string;
  /** Where the message is delivered. */
  destination: string | URL;
  /** `Upstash-Flow-Control-Key` and `-Value`, when the message is flow-controlled. */
  key?: string;
  value?: string;
  body?: string;
  /** More publish headers, e.g. `{ "upstash-retries": "0" }`. */
  headers?: Record<string, string>;
}

/** Publishes one message as a producer would; throws unless the server accepted it. */
export async function publishMessage(options: PublishOptions): Promise<void> {
  const { url, token, destination, key, value, body = "hello", headers } = options;
  // The publish route takes the destination URL itself as the rest of its path.
  const target = new URL(`/v2/publish/${new URL(destination).href}`, url);
  const response = await fetch(target, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(key !== undefined && { "upstash-flow-control-key": key }),
      ...(value !== undefined && { "upstash-flow-control-value": value }),
      ...headers,
    },
    body,
  });
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
}
