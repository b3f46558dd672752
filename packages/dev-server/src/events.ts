/** What the dev server reports to the `log` hook. */
export type DevServerEvent =
  | { type: "listening"; url: string }
  | {
      /** An API call was answered (publish included). No token, query or body is reported. */
      type: "request";
      method: string;
      operation: string;
      status: number;
      flowControlKey?: string | undefined;
    }
  | { type: "published"; messageId: string; destination: string; flowControlKey?: string | undefined }
  | {
      /** The destination answered; any status counts as done, there are no retries. */
      type: "delivered";
      messageId: string;
      destination: string;
      flowControlKey?: string | undefined;
      status: number;
    }
  | {
      /** No answer: connection error, delivery timeout, or the server closed mid-delivery. */
      type: "failed";
      messageId: string;
      destination: string;
      flowControlKey?: string | undefined;
      error: string;
    }
  | {
      /** Still waiting when the server closed, so never sent. */
      type: "dropped";
      messageId: string;
      destination: string;
      flowControlKey?: string | undefined;
    };

/** One line of text for an event, as the bin prints it. */
export function formatDevServerEvent(event: DevServerEvent): string {
  const key = "flowControlKey" in event && event.flowControlKey !== undefined ? ` key=${event.flowControlKey}` : "";
  switch (event.type) {
    case "listening":
      return `listening on ${event.url}`;
    case "request":
      return `${event.method} ${event.operation} -> ${event.status}${key}`;
    case "published":
      return `published ${event.messageId} -> ${event.destination}${key}`;
    case "delivered":
      return `delivered ${event.messageId} -> ${event.destination} (${event.status})${key}`;
    case "failed":
      return `failed ${event.messageId} -> ${event.destination}: ${event.error}${key}`;
    case "dropped":
      return `dropped ${event.messageId} -> ${event.destination} (server closed)${key}`;
  }
}
