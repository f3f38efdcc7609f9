// RESP2 framing: commands out as arrays of bulk strings, replies in as typed values.
// https://redis.io/docs/latest/develop/reference/protocol-spec/
import { type Reply, ReplyError } from './redis-backend';

const CRLF = Buffer.from('\r\n');

/** Encodes commands back to back, ready for a single socket write (pipelining). */
export function encodeCommands(commands: readonly (readonly string[])[]): Buffer {
  const parts: Buffer[] = [];
  for (const args of commands) {
    parts.push(Buffer.from(`*${args.length}\r\n`));
    for (const arg of args) {
      const bytes = Buffer.from(arg, 'utf8');
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
    }
  }
  return Buffer.concat(parts);
}

/** Thrown when the byte stream is not RESP2: the connection can no longer be trusted. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

type Parsed = { reply: Reply; end: number } | undefined;

/**
 * Incremental reply parser: feed it socket chunks, get back every reply they complete.
 * An incomplete reply is parsed again from its start once more bytes arrive, which keeps
 * the parser stateless at the cost of re-reading; fine for a local endpoint.
 */
export class RespReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Reply[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const replies: Reply[] = [];
    let offset = 0;
    let parsed: Parsed;
    while ((parsed = parseReply(this.#buffer, offset))) {
      replies.push(parsed.reply);
      offset = parsed.end;
    }
    this.#buffer = this.#buffer.subarray(offset);
    return replies;
  }
}

function parseReply(buffer: Buffer, start: number): Parsed {
  const lineEnd = buffer.indexOf(CRLF, start);
  if (lineEnd === -1) return undefined;
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (buffer[start]) {
    case 0x2b: // '+'
      return { reply: line, end: next };
    case 0x2d: // '-'
      return { reply: new ReplyError(line), end: next };
    case 0x3a: // ':'
      return { reply: Number(line), end: next };
    case 0x24: {
      // '$'
      const length = Number(line);
      if (length === -1) return { reply: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      // Copy: a view would pin the whole read buffer in memory.
      return { reply: Buffer.from(buffer.subarray(next, next + length)), end: next + length + 2 };
    }
    case 0x2a: {
      // '*'
      const count = Number(line);
      if (count === -1) return { reply: null, end: next };
      const items: Reply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, end);
        if (!item) return undefined;
        items.push(item.reply);
        end = item.end;
      }
      return { reply: items, end };
    }
    default:
      throw new RespProtocolError(`Unexpected RESP type byte 0x${buffer[start]?.toString(16)}`);
  }
}
