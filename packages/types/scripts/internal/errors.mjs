/** Every problem with a source: fetching, parsing or combining. Nothing is written after one. */
export class SpecSourceError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "SpecSourceError";
  }
}
