/**
 * A Map that forgets its oldest entry (in insertion order) to make room past `limit`, in O(1).
 * The rate limiter's per-client state uses it: the library's ephemeral cache keeps one entry per
 * client and window and deletes none itself, so in a long-lived isolate that met many clients it
 * would grow without end. Forgetting a client only costs its next request an Upstash call (or,
 * while Upstash is down, a fresh in-isolate window).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override set(key: K, value: V): this {
    if (this.size >= this.#limit && !this.has(key)) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}
