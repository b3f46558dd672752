export { EXIT } from "./internal/errors.js";
export type { CliIO, CliOutput } from "./internal/io.js";
export { run } from "./run.js";
