// Compressed replies on the Node carrier, decoded as fetch decodes them: a proxy or CDN may
// compress unasked, and `fetch` would hand the caller the decoded body. Node only (it
// imports node:zlib): send-node.ts is its one user.
import { brotliDecompress, constants, gunzip, inflate, inflateRaw } from "node:zlib";

type Decoder = (bytes: Buffer) => Promise<Buffer>;

type Callback = (error: Error | null, result: Buffer) => void;
const promised = (decode: (bytes: Buffer, done: Callback) => void) => (bytes: Buffer) =>
  new Promise<Buffer>((resolve, reject) => decode(bytes, (error, result) => (error ? reject(error) : resolve(result))));

// Flushed, not finished, as fetch does: a stream cut short gives what it holds.
const ZLIB = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };
const gzip = promised((bytes, done) => gunzip(bytes, ZLIB, done));
const zlibDeflate = promised((bytes, done) => inflate(bytes, ZLIB, done));
const rawDeflate = promised((bytes, done) => inflateRaw(bytes, ZLIB, done));
const br = promised((bytes, done) => brotliDecompress(bytes, BROTLI, done));

const DECODERS = new Map<string, Decoder>([
  ["gzip", gzip],
  ["x-gzip", gzip],
  // "deflate" means zlib-wrapped, yet some servers send it raw: the first byte tells.
  ["deflate", (bytes) => (((bytes[0] as number) & 0x0f) === 8 ? zlibDeflate(bytes) : rawDeflate(bytes))],
  ["br", br],
]);

/** No body to decode: the method has none in reply, or the status forbids one. */
const BODILESS_METHODS = new Set(["HEAD", "CONNECT"]);
const BODILESS_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The decoders for a reply's `Content-Encoding`, last applied first; `undefined` when
 * there is nothing to decode or a coding fetch does not know (then, as in fetch, the
 * bytes stay as they came).
 */
export function decodersFor(
  contentEncoding: string | undefined,
  method: string,
  status: number,
): Decoder[] | undefined {
  if (!contentEncoding || BODILESS_METHODS.has(method) || BODILESS_STATUSES.has(status)) return undefined;
  const decoders: Decoder[] = [];
  for (const coding of contentEncoding.toLowerCase().split(",").reverse()) {
    const decoder = DECODERS.get(coding.trim());
    if (!decoder) return undefined;
    decoders.push(decoder);
  }
  return decoders;
}

/** `bytes` run through `decoders` in order. */
export async function decode(bytes: Buffer, decoders: Decoder[]): Promise<Buffer> {
  let body = bytes;
  for (const decoder of decoders) body = await decoder(body);
  return body;
}
