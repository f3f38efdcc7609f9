// The three command routes of the Upstash REST API: from a parsed JSON body to a status and a body.
import { refuseCommand } from './command-guard';
import { execAbort, type RedisBackend, ReplyError } from './redis-backend';
import { toResponseEntry } from './reply-encoding';

export type CommandRoute = 'single' | 'pipeline' | 'transaction';
export interface Answer {
  status: number;
  body: unknown;
}
type RouteHandler = (body: unknown, base64: boolean) => Promise<Answer>;

const INVALID_COMMAND = 'ERR a command must be a non-empty JSON array of strings, numbers or booleans';
const INVALID_COMMAND_LIST = 'ERR the body must be a non-empty JSON array of commands';

const isArgument = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

/** `["SET", "k", "v", "EX", 60]` → `['SET', 'k', 'v', 'EX', '60']`: Redis sees every argument as text. */
function toCommand(value: unknown): string[] | null {
  return Array.isArray(value) && value.length > 0 && value.every(isArgument) ? value.map(String) : null;
}

function toCommandList(value: unknown): string[][] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const commands = value.map(toCommand);
  return commands.every((command) => command !== null) ? commands : null;
}

/**
 * @param countCommands told how many commands each request sends to Redis, for `/_stack/stats`
 */
export function createCommandRoutes(
  backend: RedisBackend,
  countCommands: (count: number) => void,
): Record<CommandRoute, RouteHandler> {
  return {
    /** `POST /`: one command. An error reply is a 400, which the client throws as `UpstashError`. */
    async single(body, base64) {
      const command = toCommand(body);
      if (!command) return { status: 400, body: { error: INVALID_COMMAND } };
      const refusal = refuseCommand(command);
      if (refusal) return { status: 400, body: { error: refusal.message } };
      countCommands(1);
      const [reply = null] = await backend.pipeline([command]);
      const entry = toResponseEntry(reply, base64);
      return { status: 'error' in entry ? 400 : 200, body: entry };
    },

    /** `POST /pipeline`: one entry per command; a failing command fails alone, as in Redis. */
    async pipeline(body, base64) {
      const commands = toCommandList(body);
      if (!commands) return { status: 400, body: { error: INVALID_COMMAND_LIST } };
      const refusals = commands.map(refuseCommand);
      const accepted = commands.filter((_, i) => !refusals[i]);
      countCommands(accepted.length);
      const replies = (await backend.pipeline(accepted)).values();
      const entries = refusals.map((refusal) => toResponseEntry(refusal ?? replies.next().value ?? null, base64));
      return { status: 200, body: entries };
    },

    /**
     * `POST /multi-exec`: one MULTI/EXEC transaction. A discarded one must not be a 2xx:
     * the client would map over the error body as if it were the list of entries.
     */
    async transaction(body, base64) {
      const commands = toCommandList(body);
      if (!commands) return { status: 400, body: { error: INVALID_COMMAND_LIST } };
      const refusal = commands.map(refuseCommand).find((candidate) => candidate !== null);
      if (refusal) return { status: 400, body: { error: execAbort(refusal).message } };
      countCommands(commands.length);
      const replies = await backend.transaction(commands);
      if (replies instanceof ReplyError) return { status: 400, body: { error: replies.message } };
      return { status: 200, body: replies.map((reply) => toResponseEntry(reply, base64)) };
    },
  };
}
