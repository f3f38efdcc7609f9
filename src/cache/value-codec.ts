// JSON that keeps what plain JSON loses: Dates, BigInts, and -0 / non-finite numbers are tagged.
type Tagged = { $date: string } | { $bigint: string } | { $number: string };

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  // JSON.stringify calls Date#toJSON before the replacer sees the value; `this[key]` is the original.
  if (raw instanceof Date) return { $date: Number.isNaN(raw.getTime()) ? 'invalid' : raw.toISOString() } satisfies Tagged;
  if (typeof value === 'bigint') return { $bigint: value.toString() } satisfies Tagged;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { $number: Object.is(value, -0) ? '-0' : String(value) } satisfies Tagged;
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged = value as Record<string, unknown>;
  if (typeof tagged.$date === 'string') return new Date(tagged.$date === 'invalid' ? Number.NaN : tagged.$date);
  if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
  if (typeof tagged.$number === 'string') return Number(tagged.$number);
  return value;
}

export function encodeValue(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** Throws on text that is not a value this codec wrote. */
export function decodeValue<T>(text: string): T {
  return JSON.parse(text, reviver) as T;
}
