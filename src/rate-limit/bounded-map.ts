/**
 * A Map that forgets its oldest entries past `limit`. The rate limiter's ephemeral cache keeps
 * one entry per client and window and deletes none itself: in a long-lived isolate that met many
 * clients it would grow without end. Forgetting an entry only costs that client's next request
 * an Upstash call.
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
