import { StackError } from '../stack-error';

/**
 * One line that says what is wrong with reaching the Postgres of `url` and what to do, for the
 * failures a newcomer meets first (nothing listening, a database that does not exist, a refused
 * login); undefined for anything else, which keeps its stack trace. `whenUnreachable` is the
 * way out that fits the command, e.g. "Start it, or unset DATABASE_URL…".
 */
export function postgresFailure(error: unknown, url: string, whenUnreachable: string): StackError | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname || 'localhost';
  const port = parsed.port || '5432';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || parsed.username || 'postgres';
  switch (code) {
    case 'ECONNREFUSED':
      return new StackError(`Nothing answers at ${host}:${port}. ${whenUnreachable}`, { cause: error });
    case '3D000':
      return new StackError(
        `Database "${database}" does not exist on ${host}:${port}: create it (createdb -h ${host} -p ${port} ${database}) or name another in DATABASE_URL.`,
        { cause: error },
      );
    case '28P01':
    case '28000':
      return new StackError(
        `Postgres at ${host}:${port} refused the login (${code}): fix the user or password in DATABASE_URL.`,
        { cause: error },
      );
    default:
      return undefined;
  }
}
