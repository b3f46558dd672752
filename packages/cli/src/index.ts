// The CLI as a function, for running it in-process: the library it drives is @qstash-flow/ops.
export { EXIT } from "./internal/errors.js";
export type { CliIO, CliOutput } from "./internal/io.js";
export { run } from "./run.js";
