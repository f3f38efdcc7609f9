import { DEV_VARS_FILE, readDevVars } from '../dev-vars';
import { StackError } from '../stack-error';
import { postgresFailure } from './postgres-failure';

/** `DATABASE_URL` from the environment, else the one the running stack wrote to `.dev.vars`. */
function databaseUrlForScripts(): string {
  const url = process.env.DATABASE_URL || readDevVars(DEV_VARS_FILE).DATABASE_URL;
  if (!url) throw new StackError('No database: start the local stack (npm run stack) or set DATABASE_URL.');
  return url;
}

/**
 * Runs a script's database work; a connection failure a newcomer can fix (the stack is not
 * running, the database does not exist) becomes one line saying so.
 */
export async function withScriptDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const url = databaseUrlForScripts();
  try {
    return await work(url);
  } catch (error) {
    const fromEnv = Boolean(process.env.DATABASE_URL);
    throw (
      postgresFailure(
        error,
        url,
        fromEnv
          ? 'Start that Postgres, or unset DATABASE_URL to use the local stack (npm run stack).'
          : 'Start the local stack (npm run stack), or set DATABASE_URL.',
      ) ?? error
    );
  }
}
