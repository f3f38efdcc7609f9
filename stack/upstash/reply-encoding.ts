// RESP2 replies as the JSON @upstash/redis parses (see pkg/http.ts, `decode`, in the client).
import { type Reply, ReplyError } from './redis-backend';

export type JsonResult = string | number | null | JsonResult[];

/** One entry of a REST response: `{"result": …}` or, for an error reply, `{"error": "ERR …"}`. */
export type ResponseEntry = { result: JsonResult } | { error: string };

/**
 * With `base64` (the client's default, header `Upstash-Encoding: base64`), every string of the
 * result is the base64 of its bytes, so binary values survive JSON. The one exception is a
 * top-level status `OK`: the client keeps a bare "OK" as is, which no base64 text can be
 * (base64 comes in groups of four characters). Inside arrays the client base64-decodes every
 * string, so there even an `OK` status must be encoded. An error reply goes, unencoded, in the
 * `error` field.
 */
export function toResponseEntry(reply: Reply, base64: boolean): ResponseEntry {
  if (reply instanceof ReplyError) return { error: reply.message };
  if (base64 && reply === 'OK') return { result: 'OK' };
  return { result: toJson(reply, base64) };
}

function toJson(reply: Reply, base64: boolean): JsonResult {
  if (reply === null || typeof reply === 'number') return reply;
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  // A status line or an error nested in an array (from EVAL) is just text to the client.
  const value = reply instanceof ReplyError ? reply.message : reply;
  if (typeof value === 'string') return base64 ? Buffer.from(value).toString('base64') : value;
  return value.toString(base64 ? 'base64' : 'utf8');
}
