/**
 * The NATS client protocol, text framing only: encoding `CONNECT`, `PUB`,
 * `HPUB`, `SUB`, `UNSUB`, `PING`, `PONG`, and an incremental parser of what a
 * server sends (`INFO`, `MSG`, `HMSG`, `PING`, `PONG`, `+OK`, `-ERR`).
 * See https://docs.nats.io/reference/reference-protocols/nats-protocol.
 *
 * @module
 */
import type { MessageHeaders } from "./transport.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF = encoder.encode("\r\n");

/** One frame from the server. */
export type ServerFrame =
  | { op: "INFO"; info: Record<string, unknown> }
  | {
    op: "MSG";
    subject: string;
    sid: number;
    reply: string | undefined;
    /** Raw header block (`NATS/1.0 ...\r\n...`), empty for `MSG`. */
    header: Uint8Array;
    payload: Uint8Array;
  }
  | { op: "PING" | "PONG" | "OK" }
  | { op: "ERR"; message: string };

/** Encodes a header block, or an empty array when there are no headers. */
export function encodeHeaders(h: MessageHeaders | undefined): Uint8Array {
  if (!h) return new Uint8Array();
  const keys = Object.keys(h);
  if (keys.length === 0) return new Uint8Array();
  let s = "NATS/1.0\r\n";
  for (const k of keys) {
    const v = String(h[k]);
    if (/[\r\n:]/.test(k) || /[\r\n]/.test(v)) {
      throw new TypeError(`Cannot send header "${k}": names and values may not hold line breaks`);
    }
    s += `${k}: ${v}\r\n`;
  }
  return encoder.encode(s + "\r\n");
}

/** Decodes a header block into headers and the status line's code and description. */
export function decodeHeaders(
  block: Uint8Array,
): { headers: MessageHeaders; code: number; description: string } {
  const lines = decoder.decode(block).split("\r\n");
  const status = /^NATS\/1\.0\s*(\d{3})?\s*(.*)$/.exec(lines[0] ?? "");
  const headers: MessageHeaders = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return {
    headers,
    code: status?.[1] ? Number(status[1]) : 0,
    description: (status?.[2] ?? "").trim(),
  };
}

/** `PUB`/`HPUB` frame bytes. */
export function encodePub(
  subject: string,
  reply: string | undefined,
  header: Uint8Array,
  payload: Uint8Array,
): Uint8Array {
  const r = reply ? ` ${reply}` : "";
  const line = header.length
    ? `HPUB ${subject}${r} ${header.length} ${header.length + payload.length}\r\n`
    : `PUB ${subject}${r} ${payload.length}\r\n`;
  const head = encoder.encode(line);
  const out = new Uint8Array(head.length + header.length + payload.length + 2);
  out.set(head, 0);
  out.set(header, head.length);
  out.set(payload, head.length + header.length);
  out.set(CRLF, out.length - 2);
  return out;
}

/** A control line (`SUB a 1`, `PING`, ...) as bytes. */
export function encodeLine(line: string): Uint8Array {
  return encoder.encode(`${line}\r\n`);
}

function indexOfCrlf(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length - 1; i++) if (buf[i] === 13 && buf[i + 1] === 10) return i;
  return -1;
}

/** Incremental parser: feed it chunks, get whole frames. */
export class ProtocolParser {
  #buf: Uint8Array = new Uint8Array(0);

  /** Adds bytes and returns every frame now complete. */
  feed(chunk: Uint8Array): ServerFrame[] {
    if (this.#buf.length === 0) this.#buf = chunk;
    else {
      const joined = new Uint8Array(this.#buf.length + chunk.length);
      joined.set(this.#buf);
      joined.set(chunk, this.#buf.length);
      this.#buf = joined;
    }
    const frames: ServerFrame[] = [];
    let pos = 0;
    const buf = this.#buf;
    for (;;) {
      const eol = indexOfCrlf(buf, pos);
      if (eol < 0) break;
      const line = decoder.decode(buf.subarray(pos, eol));
      const sp = line.indexOf(" ");
      const op = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
      if (op === "MSG" || op === "HMSG") {
        const args = line.slice(sp + 1).trim().split(/\s+/);
        const total = Number(args[args.length - 1]);
        const hdrLen = op === "HMSG" ? Number(args[args.length - 2]) : 0;
        const fixed = op === "HMSG" ? 4 : 3; // subject sid [reply] [hdr] total
        const reply = args.length > fixed ? args[2] : undefined;
        const start = eol + 2;
        if (buf.length < start + total + 2) break; // payload not all here yet
        const body = buf.slice(start, start + total);
        frames.push({
          op: "MSG",
          subject: args[0] as string,
          sid: Number(args[1]),
          reply,
          header: body.subarray(0, hdrLen),
          payload: body.subarray(hdrLen),
        });
        pos = start + total + 2;
        continue;
      }
      pos = eol + 2;
      if (op === "PING" || op === "PONG") frames.push({ op });
      else if (op === "+OK") frames.push({ op: "OK" });
      else if (op === "-ERR") {
        frames.push({ op: "ERR", message: line.slice(5).trim().replace(/^'|'$/g, "") });
      } else if (op === "INFO") {
        frames.push({ op: "INFO", info: JSON.parse(line.slice(sp + 1)) });
      }
    }
    this.#buf = pos >= buf.length ? new Uint8Array(0) : buf.slice(pos);
    return frames;
  }
}
