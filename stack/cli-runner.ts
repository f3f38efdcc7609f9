// How the stack's commands (npm run stack, dev, serve, db:migrate, db:seed) run and stop:
// a StackError is one line on stderr, and nothing they started is left running.
import { StackError } from './stack-error';

/**
 * Runs `main`, turning a StackError into one line on stderr and exit code 1. Cleanups that
 * `main` registered (what it started so far) run before the exit, so a failure half-way
 * through start-up leaves nothing behind.
 */
export function runCli(main: (onFailure: (cleanup: () => Promise<void>) => void) => Promise<void>): void {
  const cleanups: Array<() => Promise<void>> = [];
  main((cleanup) => cleanups.push(cleanup)).catch(async (error: unknown) => {
    if (error instanceof StackError) console.error(`[stack] ${error.message}`);
    else console.error('[stack] Unexpected failure:', error);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(1);
  });
}

/**
 * Runs `shutdown` once, on Ctrl-C, SIGTERM or a call of the returned function, then exits
 * with the given code. Every path out goes through here, so nothing is left running.
 */
export function exitOnce(shutdown: () => Promise<void>): (code?: number) => void {
  let exiting = false;
  const exit = (code = 0) => {
    if (exiting) return;
    exiting = true;
    shutdown().finally(() => process.exit(code));
  };
  const onSignal = () => {
    // A second Ctrl-C while stopping: give up waiting.
    if (exiting) process.exit(130);
    exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `kill <npm pid>` stops npm and its shell but not us: being re-parented means we were abandoned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) exit(0);
  }, 500).unref();
  return exit;
}
