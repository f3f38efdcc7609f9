// Upstash's `allow-key-locking` script flag on the real-Redis backend. Upstash accepts it (and
// @upstash/ratelimit sets it on every script); Redis 7 refuses it ("Unexpected flag in script
// shebang"). So scripts go to Redis without it, and the client keeps seeing the scripts it sent:
// EVALSHA, EVALSHA_RO and SCRIPT EXISTS take the original's SHA-1, SCRIPT LOAD answers it, and
// error replies name it. When Redis does not have the rewritten script, EVALSHA still answers
// NOSCRIPT, so the client's fallback to EVAL works.
import { createHash } from 'node:crypto';
import { type Reply, ReplyError } from './redis-backend';
import { KEY_LOCKING_FLAG, withoutScriptFlag } from './script-shebang';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Commands as Redis must get them, and Redis's replies (one per command) turned back into the client's. */
export interface TranslatedCommands {
  commands: string[][];
  replies(fromRedis: readonly Reply[]): Reply[];
}

/** A command as Redis gets it, and how its reply goes back to the client (unchanged when absent). */
interface Translated {
  command: string[];
  reply?: (fromRedis: Reply) => Reply;
}

/** One backend's translation; it remembers the scripts it rewrote, as Redis remembers their rewrites. */
export class KeyLockingScripts {
  /** Lowercase SHA-1 of an original script → that of its rewrite; filled by EVAL, EVAL_RO and SCRIPT LOAD. */
  readonly #sentSha = new Map<string, string>();

  /** Rewrites what must be rewritten; the other commands go as they are. */
  translate(commands: readonly string[][]): TranslatedCommands {
    const translated = commands.map((command) => this.#translate(command));
    return {
      commands: translated.map(({ command }) => command),
      replies: (fromRedis) => fromRedis.map((reply, i) => translated[i]?.reply?.(reply) ?? reply),
    };
  }

  #translate(command: string[]): Translated {
    const [name = '', first = '', ...rest] = command;
    switch (name.toUpperCase()) {
      case 'EVAL':
      case 'EVAL_RO':
        return this.#rewrite(command, 1, false);
      case 'EVALSHA':
      case 'EVALSHA_RO': {
        const original = first.toLowerCase();
        const sent = this.#sentSha.get(original);
        if (!sent) return { command };
        return { command: [name, sent, ...rest], reply: (reply) => renameInError(reply, sent, original) };
      }
      case 'SCRIPT':
        if (first.toUpperCase() === 'LOAD' && command.length === 3) return this.#rewrite(command, 2, true);
        if (first.toUpperCase() === 'EXISTS') {
          return { command: [name, first, ...rest.map((sha) => this.#sentSha.get(sha.toLowerCase()) ?? sha)] };
        }
        return { command };
      default:
        return { command };
    }
  }

  /** The command with the script at `index` rewritten, when it sets the flag; SCRIPT LOAD (`load`) answers a SHA-1. */
  #rewrite(command: string[], index: number, load: boolean): Translated {
    const script = command[index] ?? '';
    const sentScript = withoutScriptFlag(script, KEY_LOCKING_FLAG);
    if (sentScript === script) return { command };
    const [original, sent] = [sha1(script), sha1(sentScript)];
    // Known before Redis answers: a later EVALSHA of the same request must already find it.
    this.#sentSha.set(original, sent);
    return {
      command: command.map((part, i) => (i === index ? sentScript : part)),
      reply: (reply) =>
        load && Buffer.isBuffer(reply) && reply.toString() === sent
          ? Buffer.from(original)
          : renameInError(reply, sent, original),
    };
  }
}

/** An error reply's `script: <sha>` as the original script's. */
function renameInError(reply: Reply, sent: string, original: string): Reply {
  if (!(reply instanceof ReplyError) || !reply.message.includes(sent)) return reply;
  return new ReplyError(reply.message.replaceAll(sent, original));
}
