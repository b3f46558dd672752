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
  /**
   * Send the destination percent-encoded as one path segment, exactly as given, instead of
   * as a URL after `/v2/publish/` (the official SDK's form). The server must take both.
   */
  encoded?: boolean;
}

/** What the server answered to an accepted publish. */
export interface Published {
  status: number;
  messageId: string | undefined;
}

/** The publish route for `destination` on the server at `url` (see `PublishOptions.encoded`). */
export function publishUrl(url: string | URL, destination: string | URL, encoded = false): URL {
  // The publish route takes the destination URL itself as the rest of its path.
  const rest = encoded ? encodeURIComponent(String(destination)) : new URL(destination).href;
  return new URL(`/v2/publish/${rest}`, url);
}

/** Sends one publish as a producer would and returns the server's answer as it came, accepted or not. */
export function publishRequest(options: PublishOptions): Promise<Response> {
  const { url, token, destination, key, value, headers = {}, body = "hello", encoded } = options;
  return fetch(publishUrl(url, destination, encoded), {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(key !== undefined && { "upstash-flow-control-key": key }),
      ...(value !== undefined && { "upstash-flow-control-value": value }),
      ...headers,
    },
    body,
  });
}

/** Publishes one message as a producer would; throws unless the server accepted it. */
export async function publishMessage(options: PublishOptions): Promise<Published> {
  const response = await publishRequest(options);
  const text = await response.text();
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${text}`);
  const { messageId } = (JSON.parse(text || "{}") ?? {}) as { messageId?: string };
  return { status: response.status, messageId };
}
