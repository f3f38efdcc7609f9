// A cache entry's value: the entry built for a computed value, and a stored one read back for a
// caller's options (anything this cache did not write, or of another shape, is no entry).
import { decodeEntry } from './cache-entry';
import type { ResolvedOptions } from './cache-options';
import type { DecodedEntry } from './memory-tier';

/** The entry for `value`, computed now; throws when the value is not JSON (a BigInt, a cycle). */
export function entryFor<T>(
  value: T,
  tagStamp: string,
  seq: number,
  contentTags: readonly string[],
  options: ResolvedOptions<T>,
  now: number,
): DecodedEntry<T> {
  return {
    storedAt: now,
    freshUntil: now + options.ttlMs,
    staleUntil: now + options.ttlMs + options.swrMs,
    retainUntil: now + options.ttlMs + Math.max(options.swrMs, options.staleIfErrorMs),
    tagStamp,
    seq,
    contentTags,
    payload: JSON.stringify(value),
    value,
  };
}

/** The stored entry if it is one of ours, stamped with its tags' current versions, with a value of the expected shape. */
export function stampedEntry<T>(
  stored: string,
  tagStamp: string,
  options: ResolvedOptions<T>,
): DecodedEntry<T> | undefined {
  const entry = decodeEntry(stored);
  // An entry stamped with other tag versions was invalidated: it is never served.
  if (!entry || entry.tagStamp !== tagStamp) return undefined;
  const decoded = storedValue(entry.payload, options.validate);
  return decoded && { ...entry, value: decoded.value as T };
}

/** A failure another isolate shared, if it is one of ours with a value of the expected shape. */
export function decodedFailure<T>(stored: string, options: ResolvedOptions<T>): DecodedEntry<T> | undefined {
  const entry = decodeEntry(stored);
  if (!entry) return undefined;
  const decoded = storedValue(entry.payload, (value) => options.validate(value) && options.failed(value as T));
  return decoded && { ...entry, value: decoded.value as T };
}

/**
 * The stored value if it parses and `accepts` it. Anything that throws on the way (text that is
 * not JSON, a validator meeting a shape it did not expect) is no entry, as a foreign entry is.
 */
function storedValue(payload: string, accepts: (value: unknown) => boolean): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return accepts(value) ? { value } : undefined;
  } catch {
    return undefined;
  }
}
