// `npm run bench`: one command, one run, every scenario measured side by side, so ratios survive a
// noisy machine. Locally: on the stack of `npm run serve` (started here unless one answers), by
// workerd copies the bench starts itself, whose CPU per request it reads; else on the --url server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { DEV_VARS_FILE, PROJECT_ROOT, readDevVars } from '../stack/dev-vars';
import { type IsolatesOptions, type RunningIsolates, startIsolates } from '../stack/isolates';
import { buildBundle, measurementBindings, readBundleSettings, UNREACHABLE_BUDGET } from '../stack/production-bundle';
import { bytesOnlyWorkerSource, type CapturedAnswer, captureAnswer } from './bytes-only-worker';
import { type BenchOptions, BenchUsageError, parseBenchOptions, SCENARIO_NAMES, type ScenarioName } from './options';
import { compareToTargets, ratiosOf, type ScenarioResult } from './targets';
import { cpuMicros, pidsListeningOn } from './workerd-cpu';

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`npm run bench: ${error.message}`);
  process.exit(2);
}
const { url: baseUrl, durationSeconds, connections } = options;

interface Scenario {
  name: ScenarioName | `${ScenarioName}, bytes only`;
  path: string;
  headers?: Record<string, string>;
  /** The workerd copy the bench started for it (every scenario, locally); unset: the `--url` server. */
  baseUrl?: string;
}

/**
 * Cache hits from memory and from Upstash, a miss, the database path (`no-store` bypasses the
 * cache), `/health` and the runtime's floor, in one run. Without the bench's own copies (a
 * remote server) the scenarios they serve are left out. Misses and bypasses carry the API token:
 * the cache ignores anonymous clients' directives.
 */
function scenarios(productPath: string, copies: BenchCopies | undefined, apiToken: string): Scenario[] {
  const bundle = copies?.bundleUrl;
  const operator = (directive: string) => ({ 'Cache-Control': directive, Authorization: `Bearer ${apiToken}` });
  const byName: Record<ScenarioName, Omit<Scenario, 'name'> | undefined> = {
    'hello-world': copies && { path: '/', baseUrl: copies.helloWorldUrl },
    health: { path: '/health', baseUrl: bundle },
    'product hit': { path: productPath, baseUrl: bundle },
    'product upstash hit': copies && { path: productPath, baseUrl: copies.memorylessUrl },
    'product miss': { path: productPath, headers: operator('no-cache'), baseUrl: bundle },
    'product bypass': { path: productPath, headers: operator('no-store'), baseUrl: bundle },
    'list hit': { path: '/api/products?category=kitchen&sort=price&limit=20', baseUrl: bundle },
    'stats hit': { path: '/api/stats', baseUrl: bundle },
    'stats bypass': { path: '/api/stats', headers: operator('no-store'), baseUrl: bundle },
  };
  return SCENARIO_NAMES.flatMap((name) => (byName[name] ? [{ name, ...byName[name] }] : []));
}

interface BenchCopies {
  helloWorldUrl: string;
  /** The production bundle as `npm run serve` runs it, but with no local metrics collector. */
  bundleUrl: string;
  memorylessUrl: string;
  /** Starts a Worker that replays `answers` and nothing else (bytes-only-worker.ts); its URL. */
  startBytesOnly(answers: readonly CapturedAnswer[]): Promise<string>;
  stop(): Promise<void>;
}

/** Scenarios whose answers the bench also replays from a bytes-only Worker, right after measuring them. */
const REPLAYED: ReadonlySet<ScenarioName> = new Set(['health', 'product hit', 'list hit', 'stats hit']);

const HELLO_WORLD = "export default { fetch() { return new Response('ok'); } };\n";

/**
 * The workerd processes a local run measures, same binary, on the local stack's endpoints: a
 * one-line Worker (the runtime's own cost per request, the floor CPU is compared with), the
 * production bundle, and the bundle with its memory tier off (`CACHE_MEMORY_STALENESS=0s`: every
 * hit is an Upstash read). Neither bundle copy sends metrics to the local collector: in
 * production the Analytics Engine binding takes them natively, while batching them as JSON for
 * the collector cost 30–65 µs of CPU a request here, more than `/health` itself adds to the floor.
 */
async function startBenchCopies(): Promise<BenchCopies> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'edge-api-bench-'));
  const started: RunningIsolates[] = [];
  const stop = async () => {
    await Promise.all(started.map((copy) => copy.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const helloPath = path.join(dir, 'hello-world.js');
    await writeFile(helloPath, HELLO_WORLD);
    const settings = readBundleSettings();
    const bundlePath = await buildBundle(path.join(dir, 'bundle'));
    const common = {
      isolates: 1,
      compatibilityDate: settings.compatibilityDate,
      compatibilityFlags: settings.compatibilityFlags,
      port: 0,
    };
    // Forced reads unlimited too: the miss and bypass scenarios send them from one address, as fast as they can.
    const bindings = {
      ...measurementBindings(settings.vars, readDevVars(DEV_VARS_FILE)),
      RATE_LIMIT_FORCED: UNREACHABLE_BUDGET,
      METRICS_LOCAL_COLLECTOR: '',
    };
    const start = async (options: Pick<IsolatesOptions, 'bundlePath' | 'bindings'>) => {
      const copy = await startIsolates({ ...common, ...options });
      started.push(copy);
      return copy.url;
    };
    return {
      helloWorldUrl: await start({ bundlePath: helloPath, bindings: {} }),
      bundleUrl: await start({ bundlePath, bindings }),
      memorylessUrl: await start({ bundlePath, bindings: { ...bindings, CACHE_MEMORY_STALENESS: '0s' } }),
      startBytesOnly: async (answers) => {
        const replayPath = path.join(dir, 'bytes-only.js');
        await writeFile(replayPath, bytesOnlyWorkerSource(answers));
        return start({ bundlePath: replayPath, bindings: {} });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A product that exists in this catalog (ids change if products were deleted and re-seeded). */
async function someProductPath(): Promise<string> {
  const page = (await fetch(`${baseUrl}/api/products?limit=50`).then((r) => r.json())) as {
    items?: Array<{ id: number }>;
  };
  const product = page.items?.[Math.min(41, page.items.length - 1)];
  if (!product) throw new Error(`${baseUrl}/api/products returned no products: seed the catalog (npm run db:seed).`);
  return `/api/products/${product.id}`;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * Starts `npm run serve` in a process group of its own and waits for it. Whatever happens
 * next (a failed start, the end of the run, Ctrl-C or SIGTERM to the bench), the returned
 * stopper is called and signals the whole group: nothing is left running.
 */
async function startServer(): Promise<() => Promise<void>> {
  process.stdout.write('Starting npm run serve (local stack + workerd)…\n');
  const server: ChildProcess = spawn('npm', ['run', 'serve'], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    if (server.exitCode !== null || server.pid === undefined) return;
    // SIGINT to the group, as a terminal's Ctrl-C would: serve stops workerd, then the stack.
    process.kill(-server.pid, 'SIGINT');
    await exited;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const deadline = Date.now() + 120_000;
    while (!(await answers(`${baseUrl}/health`))) {
      if (server.exitCode !== null) throw new Error(`npm run serve exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm run serve did not come up within 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/**
 * After each replayed scenario, the same request to a Worker that answers with the bytes the
 * bundle sent for it (captured now, after the warm-up) and does nothing else.
 */
async function addBytesOnlyScenarios(selected: Scenario[], copies: BenchCopies): Promise<Scenario[]> {
  const replayed = selected.filter((scenario) => REPLAYED.has(scenario.name as ScenarioName));
  if (replayed.length === 0) return selected;
  const answers = await Promise.all(
    replayed.map(async (scenario) =>
      captureAnswer(
        scenario.path,
        await fetch(`${scenario.baseUrl ?? baseUrl}${scenario.path}`, { headers: scenario.headers }),
      ),
    ),
  );
  const replayUrl = await copies.startBytesOnly(answers);
  return selected.flatMap((scenario) =>
    replayed.includes(scenario)
      ? [scenario, { ...scenario, name: `${scenario.name as ScenarioName}, bytes only` as const, baseUrl: replayUrl }]
      : [scenario],
  );
}

/** Runs one scenario and, when its server is a local workerd, adds the CPU it spent per request. */
async function measure(scenario: Scenario): Promise<ScenarioResult> {
  const url = scenario.baseUrl ?? baseUrl;
  const pids = isLocal(url) ? await pidsListeningOn(Number(new URL(url).port)) : [];
  const cpuBefore = pids.length ? await cpuMicros(pids) : 0;
  const result = await load(scenario, url);
  if (pids.length && result.total > 0)
    result.cpuMicrosPerRequest = Math.round(((await cpuMicros(pids)) - cpuBefore) / result.total);
  return result;
}

const isLocal = (url: string) => /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(url);

function load(scenario: Scenario, url: string): Promise<ScenarioResult> {
  const latencies = createHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${scenario.path}`,
        headers: scenario.headers,
        connections,
        duration: durationSeconds,
      },
      (error, result) => {
        if (error) return reject(error);
        const ms = (percentile: number) => latencies.percentile(percentile) / 1000;
        resolve({
          name: scenario.name,
          path: scenario.path,
          headers: scenario.headers ?? {},
          requestsPerSecond: Math.round(result.requests.average),
          p50: ms(50),
          p95: ms(95),
          p99: ms(99),
          errors: result.errors + result.timeouts + result.non2xx,
          total: result.requests.total,
        });
      },
    );
    // autocannon reports p97.5, not p95: record every response time (µs resolution) ourselves.
    instance.on('response', (_client, _status, _bytes, responseTimeMs: number) =>
      latencies.record(Math.max(1, Math.round(responseTimeMs * 1000))),
    );
    // A live progress line on a terminal; one line per scenario in logs.
    if (!process.stdout.isTTY) return void console.log(`  ${scenario.name} (${durationSeconds} s)…`);
    const started = Date.now();
    const progress = setInterval(() => {
      const elapsed = Math.min(durationSeconds, Math.round((Date.now() - started) / 1000));
      process.stdout.write(`\r  ${scenario.name.padEnd(16)} ${elapsed}/${durationSeconds} s`);
    }, 500);
    instance.on('done', () => {
      clearInterval(progress);
      process.stdout.write('\r\x1b[K');
    });
  });
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

function printTable(results: ScenarioResult[]): void {
  const helloCpu = results.find((r) => r.name === 'hello-world')?.cpuMicrosPerRequest;
  const cpu = (r: ScenarioResult) => (r.cpuMicrosPerRequest === undefined ? '–' : String(r.cpuMicrosPerRequest));
  const ratio = (r: ScenarioResult) =>
    helloCpu && r.cpuMicrosPerRequest !== undefined ? `${(r.cpuMicrosPerRequest / helloCpu).toFixed(2)}×` : '–';
  console.log(
    `${'scenario'.padEnd(24)} ${pad('req/s', 8)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('p99 ms', 8)} ${pad('errors', 7)} ${pad('CPU µs/req', 11)} ${pad('vs floor', 9)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(24)} ${pad(r.requestsPerSecond, 8)} ${pad(r.p50.toFixed(2), 8)} ${pad(r.p95.toFixed(2), 8)} ${pad(r.p99.toFixed(2), 8)} ${pad(r.errors, 7)} ${pad(cpu(r), 11)} ${pad(ratio(r), 9)}`,
    );
  }
}

async function main(): Promise<void> {
  const stopServer = (await answers(`${baseUrl}/health`)) ? undefined : await startServer();
  let copies: BenchCopies | undefined;
  try {
    if (isLocal(baseUrl)) copies = await startBenchCopies();
    const all = scenarios(
      await someProductPath(),
      copies,
      process.env.API_TOKEN || readDevVars(DEV_VARS_FILE).API_TOKEN || '',
    );
    const selected = options.only ? all.filter((s) => options.only!.includes(s.name as ScenarioName)) : all;
    // Warm the cache so the hit scenarios measure hits (and the read script is loaded in Redis).
    for (const scenario of selected) {
      for (let i = 0; i < 3; i++)
        await fetch(`${scenario.baseUrl ?? baseUrl}${scenario.path}`, { headers: scenario.headers }).then((r) =>
          r.arrayBuffer(),
        );
    }
    const withReplays = copies ? await addBytesOnlyScenarios(selected, copies) : selected;
    console.log(
      `Benchmarking ${copies ? `the bench's workerd copies on the stack of ${baseUrl}` : baseUrl}: ${withReplays.length} scenarios × ${durationSeconds} s, ${connections} connections`,
    );
    const results: ScenarioResult[] = [];
    for (const scenario of withReplays) results.push(await measure(scenario));

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
    };
    console.log(
      `\nMachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}\n`,
    );
    printTable(results);
    if (options.only) return;
    const ratios = ratiosOf(results);
    const verdicts = compareToTargets(results, ratios);
    console.log('');
    for (const verdict of verdicts)
      console.log(`${verdict.met ? 'PASS' : 'MISS'}  ${verdict.description}: ${verdict.actual}`);

    const file = path.join(
      PROJECT_ROOT,
      'bench',
      'results',
      `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), baseUrl, durationSeconds, connections, machine, results, ratios, verdicts }, null, 2)}\n`,
    );
    console.log(`\nWrote ${path.relative(PROJECT_ROOT, file)}`);
    if (!stopServer)
      console.log(
        `(Measured the server already running at ${baseUrl}; ${path.relative(PROJECT_ROOT, DEV_VARS_FILE)} unchanged.)`,
      );
  } finally {
    await copies?.stop();
    await stopServer?.();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
