import type { CliOutput } from "./io.js";

const ESC = "\u001b[";

/**
 * Redraws a block of lines in place: moves the cursor back to the block's first line and
 * clears to the end of the screen, so the rest of the terminal's history stays intact and
 * the last frame stays visible after exit.
 */
export class Screen {
  #drawn = 0;

  constructor(private readonly output: CliOutput) {}

  draw(lines: string[]): void {
    // A line wider than the terminal wraps onto two rows and the cursor-up count is off.
    const width = Math.max((this.output.columns ?? 80) - 1, 10);
    const fitted = lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    const back = this.#drawn > 0 ? `${ESC}${this.#drawn}A\r` : "";
    if (this.#drawn === 0) this.output.write(`${ESC}?25l`);
    this.output.write(`${back}${ESC}J${fitted.map((line) => `${line}\n`).join("")}`);
    this.#drawn = fitted.length;
  }

  /** Shows the cursor again; the last frame stays on screen. */
  close(): void {
    if (this.#drawn > 0) this.output.write(`${ESC}?25h`);
  }
}
