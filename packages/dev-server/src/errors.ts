/** Thrown by `startDevServer` for an option it cannot use; nothing is started. */
export class DevServerOptionsError extends Error {
  override readonly name = "DevServerOptionsError";
  /** The option at fault. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.option = option;
  }
}
