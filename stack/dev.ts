// `npm run dev`: the local stack, then `wrangler dev` against it on http://127.0.0.1:8787.
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from './dev-vars';
import { exitOnce, runCli, startStackFromEnv } from './from-env';

runCli(async () => {
  const stack = await startStackFromEnv();
  const wrangler = spawn('wrangler', ['dev', ...process.argv.slice(2)], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const wranglerExited = new Promise<number>((resolve) => wrangler.once('exit', (code) => resolve(code ?? 0)));
  const exit = exitOnce(async () => {
    if (wrangler.exitCode === null && wrangler.signalCode === null) wrangler.kill('SIGTERM');
    await wranglerExited;
    await stack.stop();
  });
  // If wrangler stops by itself, take the stack down with it.
  void wranglerExited.then(exit);
});
