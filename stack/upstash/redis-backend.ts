// The contract between the REST endpoint and whatever executes its Redis commands.
import type { PubSubEvent, Subscription, SubscriptionKind } from './pubsub';

/**
 * An error reply (`-ERR …`, `-WRONGTYPE …`). It travels as a value, not as a rejection:
 * one failed command must not fail the other commands of its pipeline.
 */
export class ReplyError extends Error {
  override name = 'ReplyError';
}

/**
 * One RESP2 reply, kept raw so the endpoint can encode it exactly as Upstash does:
 * - `Buffer`: bulk string (bytes, so binary values survive);
 * - `string`: status reply (`+OK`, `+PONG`, `+string` from TYPE);
 * - `number`: integer reply (exact up to 2^53, like every JSON number the client parses);
 * - `null`: nil bulk string or nil array;
 * - `ReplyError`: error reply;
 * - `Reply[]`: array reply.
 */
export type Reply = Buffer | string | number | null | ReplyError | Reply[];

/** Executes commands given as argument lists: `['SET', 'k', 'v', 'EX', '60']`. */
export interface RedisBackend {
  /** Runs the commands in order; resolves to one reply per command, errors included. */
  pipeline(commands: readonly string[][]): Promise<Reply[]>;
  /**
   * Runs the commands as one MULTI/EXEC transaction. Resolves to one reply per command, or to
   * a single `EXECABORT` error when the transaction was discarded (nothing was executed).
   */
  transaction(commands: readonly string[][]): Promise<Reply[] | ReplyError>;
  /**
   * SUBSCRIBE (channels) or PSUBSCRIBE (patterns) on a connection of its own; events as Redis
   * pushes them, and `onEnd` if the subscription ends on its own (Redis gone).
   */
  subscribe(
    kind: SubscriptionKind,
    names: readonly string[],
    onEvent: (event: PubSubEvent) => void,
    onEnd?: () => void,
  ): Promise<Subscription>;
  close(): Promise<void>;
}

/** The error Redis gives for a discarded transaction, with the queuing error that caused it. */
export function execAbort(cause: ReplyError): ReplyError {
  return new ReplyError(`EXECABORT Transaction discarded because of previous errors: ${cause.message}`);
}
