// Which operations may be sent again after the first attempt may have arrived. Most of the
// surface is idempotent in effect (pausing twice is pausing once), so retries are safe
// after a timeout or a 5xx. Changes to messages and dead letters are not: a bulk retry
// sent twice could deliver dead letters twice, and a second bulk cancel or delete would
// report 0 for what the first did (a single cancel, a 404). They are retried only after
// a 429, when the API refused the request before doing anything. One pattern, not a list: upstream's routes under
// these two paths that the surface may select later (one dead letter's retry or delete)
// are alike.
const NOT_IDEMPOTENT = /^(DELETE|POST) \/v2\/(messages|dlq)\b/i;

/** Whether `METHOD path` (the path as its template, `{name}` for parameters) may be retried blindly. */
export const isIdempotent = (method: string, template: string): boolean =>
  !NOT_IDEMPOTENT.test(`${method} ${template}`);
