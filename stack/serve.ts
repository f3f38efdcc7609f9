// `npm run serve`: the local stack, then the production bundle (`npm run build`) served by
// workerd itself on http://127.0.0.1:8787: no dev proxy, no per-request logging. Load tests
// and benchmarks run against this; `npm run dev` is for editing.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { StackError } from './contracts';
import { DEV_VARS_FILE, PROJECT_ROOT, readDevVars } from './dev-vars';
import { exitOnce, runCli, startStackFromEnv } from './from-env';
import { assertPortFree } from './ports';
import { workerdConfig } from './workerd-config';

/** The workerd that wrangler itself deploys against, not whichever copy npm hoisted. */
function wranglersWorkerd(): string {
  const fromWrangler = createRequire(import.meta.resolve('wrangler'));
  return path.join(path.dirname(fromWrangler.resolve('workerd/package.json')), 'bin', 'workerd');
}

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT || 8787);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new StackError(`${command} ${args.join(' ')} failed (exit ${code}).`))));
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StackError(`workerd did not answer ${url} within ${timeoutMs / 1000} s.`);
}

runCli(async (onFailure) => {
  await assertPortFree(PORT, HOST, 'PORT');
  const stack = await startStackFromEnv();
  let workerd: ReturnType<typeof spawn> | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    if (workerd?.pid !== undefined && workerd.exitCode === null) {
      const exited = new Promise((resolve) => workerd!.once('exit', resolve));
      workerd.kill('SIGTERM');
      await exited;
    }
    await stack.stop();
  };
  onFailure(stopAll);
  const exit = exitOnce(stopAll);

  console.log('[serve] Building the bundle (wrangler deploy --dry-run --outdir dist)');
  await run('wrangler', ['deploy', '--dry-run', '--outdir', 'dist']);
  const config = unstable_readConfig({ config: path.join(PROJECT_ROOT, 'wrangler.toml') });
  const vars = Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)]));
  const configFile = path.join(PROJECT_ROOT, '.local', 'workerd.capnp');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, workerdConfig({
    modulePath: '../dist/index.js',
    compatibilityDate: config.compatibility_date ?? '2026-11-01',
    compatibilityFlags: config.compatibility_flags,
    // .dev.vars overrides wrangler.toml, as in wrangler dev; request logs off for clean measurements.
    bindings: { ...vars, ...readDevVars(DEV_VARS_FILE), LOG_REQUESTS: 'off' },
    address: `${HOST}:${PORT}`,
  }), { mode: 0o600 });

  // INSPECTOR=127.0.0.1:9229 opens workerd's DevTools inspector (bench/profile.ts takes CPU profiles through it).
  const inspector = process.env.INSPECTOR ? ['--inspector-addr', process.env.INSPECTOR] : [];
  workerd = spawn(wranglersWorkerd(), ['serve', configFile, ...inspector], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  workerd.once('error', (error) => {
    console.error(`[serve] Could not start workerd (${error.message}): run npm install.`);
    exit(1);
  });
  workerd.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[serve] workerd exited unexpectedly (${code ?? signal}); stopping the stack.`);
    exit(1);
  });
  await waitForHealth(`http://${HOST}:${PORT}/health`, 15_000);
  console.log(`[serve] Serving the production bundle with workerd on http://${HOST}:${PORT}. Ctrl-C stops everything.`);
});
