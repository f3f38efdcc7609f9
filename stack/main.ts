// `npm run stack`: the local services alone, for wrangler dev started separately, psql, drizzle-kit studio or k6.
import { exitOnce, runCli } from './cli-runner';
import { startStackFromEnv } from './start-stack-from-env';

runCli(async () => {
  const stack = await startStackFromEnv();
  exitOnce(stack.stop);
  console.log('[stack] Ready. Ctrl-C stops everything.');
});
