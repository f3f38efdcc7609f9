import { StackError } from '../contracts';
import { DEV_VARS_FILE, readDevVars } from '../dev-vars';

/** `DATABASE_URL` from the environment, else the one the running stack wrote to `.dev.vars`. */
export function databaseUrlForScripts(): string {
  const url = process.env.DATABASE_URL || readDevVars(DEV_VARS_FILE).DATABASE_URL;
  if (!url) throw new StackError('No database: start the local stack (npm run stack) or set DATABASE_URL.');
  return url;
}
