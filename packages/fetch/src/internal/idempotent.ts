// Which operations may be sent again after the first attempt may have arrived. Most of the
// surface is idempotent in effect (pausing twice is pausing once), so retries are safe
// after a timeout or a 5xx. These are not: a bulk retry sent twice could deliver dead
// letters twice, and a second bulk cancel or delete would report 0 for what the first did
// (a single cancel, a 404). They are retried only when the request surely did not arrive.
const NOT_IDEMPOTENT = new Set([
  "DELETE /v2/messages",
  "DELETE /v2/messages/{messageId}",
  "DELETE /v2/dlq",
  "POST /v2/dlq/retry",
]);

/** Whether `METHOD path` (the path as its template, `{name}` for parameters) may be retried blindly. */
export const isIdempotent = (method: string, template: string): boolean =>
  !NOT_IDEMPOTENT.has(`${method.toUpperCase()} ${template}`);

export const notIdempotentOperations = (): string[] => [...NOT_IDEMPOTENT];
