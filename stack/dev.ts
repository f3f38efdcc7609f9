// `npm run dev`: the local stack, then `wrangler dev` against it on http://127.0.0.1:8787.
import { spawn } from 'node:child_process';
import { cfObjectEnv } from './cf-object';
import { exitOnce, runCli } from './cli-runner';
import { DEFAULT_DEV_VARS_FILE, DEV_VARS_FILE, PROJECT_ROOT } from './dev-vars';
import { assertPortFree } from './endpoint-kit';
import { StackError } from './stack-error';
import { startStackFromEnv } from './start-stack-from-env';

runCli(async (onFailure) => {
  await assertPortFree(8787, '127.0.0.1', 'a --port flag (npm run dev -- --port 8788)').catch((error: unknown) => {
    // wrangler dev would pick another port by itself; say so only if none was asked for.
    if (!process.argv.includes('--port')) throw error;
  });
  const stack = await startStackFromEnv();
  onFailure(stack.stop);
  // wrangler dev reads .dev.vars by itself; another file only when named (and then not .dev.vars).
  const envFile = DEV_VARS_FILE === DEFAULT_DEV_VARS_FILE ? [] : ['--env-file', DEV_VARS_FILE];
  const env = await cfObjectEnv(process.env, (line) => console.log(`[dev] ${line}`));
  const wrangler = spawn('wrangler', ['dev', ...envFile, ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env,
  });
  const started = new Promise<void>((resolve, reject) => {
    wrangler.once('spawn', resolve);
    wrangler.once('error', (error) =>
      reject(new StackError(`Could not start wrangler (${error.message}): run npm install.`)),
    );
  });
  const wranglerExited = new Promise<number>((resolve) => wrangler.once('exit', (code) => resolve(code ?? 0)));
  await started;
  const exit = exitOnce(async () => {
    if (wrangler.exitCode === null && wrangler.signalCode === null) wrangler.kill('SIGTERM');
    await wranglerExited;
    await stack.stop();
  });
  // If wrangler stops by itself, take the stack down with it.
  void wranglerExited.then(exit);
});
