// `npm run bench` flags, checked before anything runs: a typo must not measure nothing and exit 0.
import { parseArgs } from 'node:util';

/**
 * Every scenario, in the order they run (`bench/run.ts` gives each its path). `hello-world` (the
 * runtime's floor: a one-line Worker) and `product upstash hit` (the same bundle with its memory
 * tier off) are served by copies the bench starts itself, so they run only against a local server.
 */
export const SCENARIO_NAMES = [
  'hello-world',
  'health',
  'product hit',
  'product upstash hit',
  'product miss',
  'product bypass',
  'list hit',
  'stats hit',
  'stats bypass',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  url: string;
  durationSeconds: number;
  connections: number;
  /** Scenarios to run; every one when no `--only` was given. */
  only: ScenarioName[] | undefined;
}

export class BenchUsageError extends Error {}

const isScenario = (name: string): name is ScenarioName => (SCENARIO_NAMES as readonly string[]).includes(name);

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new BenchUsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${text}".`);
  return value;
}

function parseFlags(args: readonly string[], env: { BASE_URL?: string }) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        url: { type: 'string', default: env.BASE_URL ?? 'http://127.0.0.1:8787' },
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '50' },
        only: { type: 'string' },
      },
    });
  } catch (error) {
    throw new BenchUsageError(
      `${(error as Error).message}. Flags: --url, --duration <s>, --connections <n>, --only "<scenario>,…".`,
    );
  }
}

export function parseBenchOptions(args: readonly string[], env: { BASE_URL?: string } = {}): BenchOptions {
  const { values } = parseFlags(args, env);
  let only: ScenarioName[] | undefined;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !isScenario(name));
    if (unknown.length > 0 || names.length === 0) {
      throw new BenchUsageError(
        `--only: no scenario ${unknown.map((name) => `"${name}"`).join(', ')}; the scenarios are ${SCENARIO_NAMES.map((name) => `"${name}"`).join(', ')}.`,
      );
    }
    only = names as ScenarioName[];
  }
  return {
    url: values.url!.replace(/\/$/, ''),
    durationSeconds: wholeNumber('duration', values.duration!, 1, 3600),
    connections: wholeNumber('connections', values.connections!, 1, 10_000),
    only,
  };
}
