// Commands a stateless REST call cannot carry. All requests share one Redis connection,
// so a command that changes its state or blocks it would leak into other requests.
import { ReplyError } from './redis-backend';

const TRANSACTION = 'send the commands to POST /multi-exec instead';
const CONNECTION_STATE = 'it changes the state of the shared connection';
const BLOCKING = 'it would block the shared connection';

const refused = new Map<string, string>([
  ...['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'].map((name) => [name, TRANSACTION] as const),
  ...[
    'AUTH',
    'CLIENT',
    'HELLO',
    'MONITOR',
    'PSUBSCRIBE',
    'PSYNC',
    'PUNSUBSCRIBE',
    'QUIT',
    'READONLY',
    'READWRITE',
    'RESET',
    'SELECT',
    'SSUBSCRIBE',
    'SUBSCRIBE',
    'SUNSUBSCRIBE',
    'SYNC',
    'UNSUBSCRIBE',
  ].map((name) => [name, CONNECTION_STATE] as const),
  ...['BLMOVE', 'BLMPOP', 'BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BZMPOP', 'BZPOPMAX', 'BZPOPMIN', 'WAIT', 'WAITAOF'].map(
    (name) => [name, BLOCKING] as const,
  ),
]);

/** The error to answer instead of running `command`, or null when it may run. */
export function refuseCommand(command: readonly string[]): ReplyError | null {
  const name = command[0]?.toUpperCase() ?? '';
  const reason = refused.get(name) ?? (isBlockingStreamRead(name, command) ? BLOCKING : undefined);
  return reason ? new ReplyError(`ERR ${name} is not available over REST: ${reason}`) : null;
}

/** XREAD/XREADGROUP block only with a BLOCK option, which comes before STREAMS. */
function isBlockingStreamRead(name: string, command: readonly string[]): boolean {
  if (name !== 'XREAD' && name !== 'XREADGROUP') return false;
  const options = command.map((arg) => arg.toUpperCase());
  const streams = options.indexOf('STREAMS');
  return options.slice(1, streams === -1 ? undefined : streams).includes('BLOCK');
}
