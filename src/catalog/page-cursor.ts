import { MAX_INT4 } from '../db/int4';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import type { ProductSort } from '../schemas/product';

/** The keyset position after the last row of a page: the sort's ordering values, id last. */
export type CursorKey = [id: number] | [orderValue: number | string, id: number];

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Opaque to clients; carries the sort so a cursor cannot be replayed under another order. */
export function encodeCursor(sort: ProductSort, key: CursorKey): string {
  return toBase64Url(JSON.stringify([sort, ...key]));
}

const isId = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_INT4;
const isPrice = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT4;
/** Exactly what the newest-first query writes (microsecond UTC), so nothing else reaches SQL. */
const isExactTimestamp = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value) &&
  !Number.isNaN(Date.parse(value));

export function decodeCursor(sort: ProductSort, cursor: string): CursorKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(fromBase64Url(cursor));
  } catch {
    throw new InvalidCursorError('The cursor is not one this API issued.');
  }
  if (!Array.isArray(decoded) || decoded[0] !== sort) {
    throw new InvalidCursorError('The cursor belongs to another sort order or is malformed.');
  }
  const [, first, second] = decoded as unknown[];
  if (sort === 'id' && decoded.length === 2 && isId(first)) return [first];
  if ((sort === 'price' || sort === '-price') && decoded.length === 3 && isPrice(first) && isId(second))
    return [first, second];
  if (sort === 'newest' && decoded.length === 3 && isExactTimestamp(first) && isId(second)) return [first, second];
  throw new InvalidCursorError('The cursor is malformed.');
}
