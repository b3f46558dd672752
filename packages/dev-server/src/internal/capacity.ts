/** Why a message or key was refused: the server is at one of its memory bounds (429) or closing (503). */
export class CapacityError extends Error {
  constructor(
    message: string,
    readonly status: 429 | 503 = 429,
  ) {
    super(message);
  }
}
