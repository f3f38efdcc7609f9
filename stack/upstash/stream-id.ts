// Stream entry ids (<ms>-<seq>, two unsigned 64-bit numbers, hence bigint) as Redis 7 parses,
// compares and prints them (t_stream.c: streamGenericParseIDOrReply, streamIncrID, streamDecrID).
import { ReplyError } from './redis-backend';

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;
export const MIN_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

export function idReply(id: StreamId): Buffer {
  return Buffer.from(formatId(id));
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export const isZeroId = (id: StreamId) => id.ms === 0n && id.seq === 0n;

/** The next id, or undefined past the last one (Redis wraps to 0-0 and reports an error). */
export function nextId(id: StreamId): StreamId | undefined {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  return id.ms < U64_MAX ? { ms: id.ms + 1n, seq: 0n } : undefined;
}

/** The previous id, or undefined before 0-0. */
export function previousId(id: StreamId): StreamId | undefined {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  return id.ms > 0n ? { ms: id.ms - 1n, seq: U64_MAX } : undefined;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Redis's string2ull: a strict long long must not be negative; anything else goes to strtoull,
 * which also takes leading white space, a sign (`-` wraps around) and leading zeros.
 */
function parseUnsigned(text: string): bigint | undefined {
  if (/^(0|-?[1-9]\d*)$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT64_MIN && value <= INT64_MAX) return value < 0n ? undefined : value;
  }
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(text);
  if (!match) return undefined;
  const value = BigInt(match[2]!);
  if (value > U64_MAX) return undefined;
  return match[1] === '-' && value > 0n ? U64_MAX + 1n - value : value;
}

export interface ParsedId {
  id: StreamId;
  /** False for XADD's `<ms>-*`, whose sequence is generated. */
  seqGiven: boolean;
}

/**
 * `<ms>-<seq>`, `<ms>` (sequence `missingSeq`), and unless `strict`, `-` and `+`;
 * `<ms>-*` only where `autoSeq` (XADD). Throws Redis's error for anything else.
 */
export function parseIdWith(text: string, missingSeq: bigint, strict: boolean, autoSeq = false): ParsedId {
  const invalid = () => new ReplyError(INVALID_ID);
  if (Buffer.byteLength(text) > 127) throw invalid();
  if (text === '-' || text === '+') {
    if (strict) throw invalid();
    return { id: text === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = parseUnsigned(dash === -1 ? text : text.slice(0, dash));
  if (ms === undefined) throw invalid();
  if (dash === -1) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (autoSeq && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseUnsigned(seqText);
  if (seq === undefined) throw invalid();
  return { id: { ms, seq }, seqGiven: true };
}

/** An id where `-` and `+` mean nothing (XADD, XDEL, XACK, XREAD, …). */
export function parseStrictId(text: string, missingSeq = 0n): StreamId {
  return parseIdWith(text, missingSeq, true).id;
}

/** An id where `-` and `+` are the first and last possible ones (XGROUP SETID). */
export function parseId(text: string, missingSeq = 0n): StreamId {
  return parseIdWith(text, missingSeq, false).id;
}

/** A range's start (`(` excludes it), as XRANGE, XPENDING and XAUTOCLAIM take it. */
export function parseRangeStart(text: string): StreamId {
  if (text.length > 1 && text.startsWith('(')) {
    const id = nextId(parseStrictId(text.slice(1), 0n));
    if (!id) throw new ReplyError('ERR invalid start ID for the interval');
    return id;
  }
  return parseId(text, 0n);
}

/** A range's end (`(` excludes it); an incomplete end id takes the whole millisecond. */
export function parseRangeEnd(text: string): StreamId {
  if (text.length > 1 && text.startsWith('(')) {
    const id = previousId(parseStrictId(text.slice(1), U64_MAX));
    if (!id) throw new ReplyError('ERR invalid end ID for the interval');
    return id;
  }
  return parseId(text, U64_MAX);
}
