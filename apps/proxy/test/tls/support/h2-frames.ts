import { handshake } from "./tls-proxy.ts";

/** RFC 9113 §6 frame types and flags used here. */
export const FRAME = {
  DATA: 0x0,
  HEADERS: 0x1,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  GOAWAY: 0x7,
  CONTINUATION: 0x9,
} as const;
export const FLAG = { END_STREAM: 0x1, END_HEADERS: 0x4 } as const;
/** RFC 9113 §7 error codes. */
export const H2_ERROR = {
  PROTOCOL_ERROR: 0x1,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  ENHANCE_YOUR_CALM: 0xb,
} as const;

/** RFC 9113 §4.1: length (24 bits), type, flags, stream id. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** RFC 7541 §5.1: an integer with an N-bit prefix (the prefix's other bits are `firstByteBits`). */
function hpackInteger(value: number, prefixBits: number, firstByteBits = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByteBits | value]);
  const bytes = [firstByteBits | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  return Buffer.concat([hpackInteger(bytes.length, 7), bytes]);
}

/** RFC 7541 §6.2.2: a literal field without indexing, new name, no Huffman; names are sent as given, case included. */
export function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00]), hpackString(name), hpackString(value)]);
}

/** `:method GET`, `:scheme https`, `:path /` from the static table (RFC 7541 Appendix A). */
export const GET_ROOT = Buffer.from([0x82, 0x87, 0x84]);

/** RFC 7541 Appendix B codes of the digits, as [code, bits]: enough to read a `:status`. */
const DIGIT_CODES: ReadonlyArray<readonly [number, number]> = [
  [0x0, 5],
  [0x1, 5],
  [0x2, 5],
  [0x19, 6],
  [0x1a, 6],
  [0x1b, 6],
  [0x1c, 6],
  [0x1d, 6],
  [0x1e, 6],
  [0x1f, 6],
];
const STATIC_STATUS: Record<number, number> = {
  8: 200,
  9: 204,
  10: 206,
  11: 304,
  12: 400,
  13: 404,
  14: 500,
};

function huffmanDigits(bytes: Buffer): string {
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  let digits = "";
  for (let offset = 0; offset + 5 <= bits.length;) {
    const match = DIGIT_CODES.findIndex(
      ([code, length]) =>
        Number.parseInt(bits.slice(offset, offset + length), 2) === code &&
        offset + length <= bits.length,
    );
    if (match === -1) break;
    digits += String(match);
    offset += DIGIT_CODES[match]?.[1] ?? 0;
    if (digits.length === 3) break;
  }
  return digits;
}

/** The `:status` of a response header block: the first field, as every server sends it. */
function statusOf(block: Buffer): number | undefined {
  const first = block[0] ?? 0;
  if (first & 0x80) return STATIC_STATUS[first & 0x7f];
  // A literal whose name is static entry 8 (:status), with or without indexing.
  if ((first & 0xc0) === 0x40 ? (first & 0x3f) !== 8 : (first & 0x0f) !== 8) return undefined;
  const huffman = ((block[1] ?? 0) & 0x80) !== 0;
  const length = (block[1] ?? 0) & 0x7f;
  const value = block.subarray(2, 2 + length);
  return Number(huffman ? huffmanDigits(value) : value.toString("latin1"));
}

export interface RawStreamOutcome {
  /** The `:status` the proxy answered stream 1 with. */
  status?: number;
  /** The RST_STREAM error code on stream 1. */
  resetCode?: number;
  /** The GOAWAY error code, when the proxy ended the whole connection. */
  goawayCode?: number;
}

/**
 * Opens an h2 connection over TLS, sends stream 1 as the given header block (split into
 * CONTINUATION frames past 16 KiB) and then `data` frames, and reads frames until the proxy
 * answers, resets the stream or ends the connection (or 2 s pass: the test never hangs).
 */
export async function sendRawStream(
  port: number,
  options: { block: Buffer; data?: readonly Buffer[] },
): Promise<RawStreamOutcome> {
  const socket = await handshake(port, { servername: "shop.test", ALPNProtocols: ["h2"] });
  const data = options.data ?? [];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < options.block.length; offset += 16_384) {
    chunks.push(options.block.subarray(offset, offset + 16_384));
  }
  const headerFrames = chunks.map((chunk, index) => {
    const last = index === chunks.length - 1;
    const flags =
      (last ? FLAG.END_HEADERS : 0) | (index === 0 && data.length === 0 ? FLAG.END_STREAM : 0);
    return frame(index === 0 ? FRAME.HEADERS : FRAME.CONTINUATION, flags, 1, chunk);
  });
  const dataFrames = data.map((payload, index) =>
    frame(FRAME.DATA, index === data.length - 1 ? FLAG.END_STREAM : 0, 1, payload),
  );
  socket.write(
    Buffer.concat([
      Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
      frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0)),
      ...headerFrames,
      ...dataFrames,
    ]),
  );
  let buffered = Buffer.alloc(0);
  return new Promise((resolve) => {
    const outcome: RawStreamOutcome = {};
    const finish = () => {
      clearTimeout(deadline);
      socket.destroy();
      resolve(outcome);
    };
    const deadline = setTimeout(finish, 2_000);
    socket.on("error", finish);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const type = buffered.readUInt8(3);
        const streamId = buffered.readUInt32BE(5) & 0x7fffffff;
        const payload = buffered.subarray(9, 9 + length);
        buffered = buffered.subarray(9 + length);
        if (type === FRAME.GOAWAY) {
          outcome.goawayCode = payload.readUInt32BE(4);
          return finish();
        }
        if (streamId !== 1) continue;
        if (type === FRAME.HEADERS) {
          outcome.status = statusOf(payload);
          return finish();
        }
        if (type === FRAME.RST_STREAM) {
          outcome.resetCode = payload.readUInt32BE(0);
          return finish();
        }
      }
    });
    socket.once("close", finish);
  });
}
