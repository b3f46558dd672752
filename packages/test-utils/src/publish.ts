export interface PublishOptions {
  /** The QStash (dev server) base URL. */
  url: string;
  token: string;
  /** Where the message is delivered. */
  destination: string | URL;
  /** `Upstash-Flow-Control-Key` and `-Value`, when the message is flow-controlled. */
  key?: string;
  value?: string;
  /** Any other publish header, such as `Upstash-Retries`. */
  headers?: Record<string, string>;
  body?: string;
}

/** What the server answered to an accepted publish. */
export interface Published {
  status: number;
  messageId: string | undefined;
}

/** Publishes one message as a producer would; throws unless the server accepted it. */
export async function publishMessage(options: PublishOptions): Promise<Published> {
  const { url, token, destination, key, value, headers = {}, body = "hello" } = options;
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
  const text = await response.text();
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${text}`);
  const { messageId } = (JSON.parse(text || "{}") ?? {}) as { messageId?: string };
  return { status: response.status, messageId };
}
