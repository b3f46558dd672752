/**
 * Types of the QStash flow-control REST API, generated from the specs in `openapi/`.
 *
 * - `paths`, `components`, `operations`: every spec merged into one surface; this is
 *   what `@qstash-flow/fetch` is typed with.
 * - `QStashSpec`, `WorkflowSpec`: each vendored upstream document's selected part on its own.
 */
export type * from "./generated/index.js";
