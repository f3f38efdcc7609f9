// Publish/subscribe as the endpoint streams it: what a subscription reports, and the in-memory
// backend's hub (the real-Redis backend gets the same events from its own SUBSCRIBE connection).

/** SUBSCRIBE names channels, PSUBSCRIBE glob patterns. */
export type SubscriptionKind = 'channel' | 'pattern';

/** One event of a subscription, as Redis pushes it. */
export type PubSubEvent =
  | { type: 'subscribe' | 'psubscribe'; name: string; count: number }
  | { type: 'message'; channel: string; message: Buffer }
  | { type: 'pmessage'; pattern: string; channel: string; message: Buffer };

export interface Subscription {
  /** Stops the deliveries (UNSUBSCRIBE and the subscriber's connection gone). */
  close(): Promise<void>;
}

type Listener = (event: PubSubEvent) => void;

/** Redis's glob-style patterns (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) as a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      const members = (negated ? body.slice(1) : body).replace(/[\\\]]/g, '\\$&');
      source += `[${negated ? '^' : ''}${members}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

const escapeRegExp = (char: string) => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Channels and patterns with their listeners, for the in-memory backend. */
export class PubSubHub {
  readonly #channels = new Map<string, Set<Listener>>();
  readonly #patterns = new Map<string, { regex: RegExp; listeners: Set<Listener> }>();

  /** Registers `listener` for each name; it hears a (p)subscribe event per name, counting up, as Redis sends them. */
  subscribe(kind: SubscriptionKind, names: readonly string[], listener: Listener): Subscription {
    const unique = [...new Set(names)];
    unique.forEach((name, i) => {
      if (kind === 'channel') {
        let listeners = this.#channels.get(name);
        if (!listeners) this.#channels.set(name, (listeners = new Set()));
        listeners.add(listener);
      } else {
        let entry = this.#patterns.get(name);
        if (!entry) this.#patterns.set(name, (entry = { regex: globToRegExp(name), listeners: new Set() }));
        entry.listeners.add(listener);
      }
      listener({ type: kind === 'channel' ? 'subscribe' : 'psubscribe', name, count: i + 1 });
    });
    return {
      close: async () => {
        for (const name of unique) {
          if (kind === 'channel') {
            const listeners = this.#channels.get(name);
            listeners?.delete(listener);
            if (listeners?.size === 0) this.#channels.delete(name);
          } else {
            const entry = this.#patterns.get(name);
            entry?.listeners.delete(listener);
            if (entry?.listeners.size === 0) this.#patterns.delete(name);
          }
        }
      },
    };
  }

  /** Delivers `message` to the channel's subscribers and every matching pattern's; returns how many got it. */
  publish(channel: string, message: Buffer): number {
    let receivers = 0;
    for (const listener of this.#channels.get(channel) ?? []) {
      listener({ type: 'message', channel, message });
      receivers++;
    }
    for (const [pattern, { regex, listeners }] of this.#patterns) {
      if (!regex.test(channel)) continue;
      for (const listener of listeners) {
        listener({ type: 'pmessage', pattern, channel, message });
        receivers++;
      }
    }
    return receivers;
  }
}
