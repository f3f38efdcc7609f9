// A small client for Neon's API v2: the preview scripts find, create and delete one branch per
// preview (https://api-docs.neon.tech/reference/getting-started-with-neon-api).

/** Settings of {@link NeonBranches}; `fromEnv` reads them from the environment. */
export interface NeonBranchesOptions {
  /** A Neon API key (`NEON_API_KEY`). Required. */
  apiKey: string;
  /** The project holding production's database (`NEON_PROJECT_ID`). Required. */
  projectId: string;
  /** Base URL of the API (`NEON_API_HOST`). @default 'https://console.neon.tech/api/v2' */
  apiHost?: string;
  /** Branch new branches start from (`NEON_PARENT_BRANCH_ID`). @default the project's default branch */
  parentBranchId?: string;
  /** Database the connection string names (`NEON_DATABASE_NAME`). @default 'neondb' */
  databaseName?: string;
  /** Role the connection string logs in as (`NEON_ROLE_NAME`). @default 'neondb_owner' */
  roleName?: string;
  /** Pause between two polls of a pending operation, or two tries of a locked project (ms). @default 1000 */
  pollMs?: number;
  /** Longest wait for the branch's operations to finish (ms). @default 120000 */
  timeoutMs?: number;
}

/** A failed call to Neon's API, or a branch that did not become ready. The message is one line, without secrets. */
export class NeonApiError extends Error {
  /** The HTTP status Neon answered, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { status?: number }) {
    super(message, options);
    this.name = 'NeonApiError';
    this.status = options?.status;
  }
}

/** Neon's branch object, as far as the scripts read it. */
export interface NeonBranch {
  id: string;
  name: string;
  default?: boolean;
  protected?: boolean;
}

interface NeonOperation {
  id: string;
  action: string;
  status: string;
}

// A project runs one operation at a time: a call made during another answers 423 Locked, and is retried.
const LOCKED = 423;
const FAILED_OPERATION = new Set(['failed', 'error', 'cancelling', 'cancelled']);

/** The preview branches of one Neon project: find, create (with a read-write compute), delete. */
export class NeonBranches {
  readonly #apiKey: string;
  readonly #projectPath: string;
  readonly #apiHost: string;
  readonly #parentBranchId: string | undefined;
  readonly #databaseName: string;
  readonly #roleName: string;
  readonly #pollMs: number;
  readonly #timeoutMs: number;

  constructor(options: NeonBranchesOptions) {
    if (!options.apiKey || !options.projectId)
      throw new NeonApiError('NeonBranches needs an API key and a project id.');
    this.#apiKey = options.apiKey;
    this.#projectPath = `/projects/${encodeURIComponent(options.projectId)}`;
    this.#apiHost = (options.apiHost ?? 'https://console.neon.tech/api/v2').replace(/\/$/, '');
    this.#parentBranchId = options.parentBranchId;
    this.#databaseName = options.databaseName ?? 'neondb';
    this.#roleName = options.roleName ?? 'neondb_owner';
    this.#pollMs = options.pollMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  /**
   * From NEON_API_KEY and NEON_PROJECT_ID (and the optional NEON_API_HOST, NEON_PARENT_BRANCH_ID,
   * NEON_DATABASE_NAME, NEON_ROLE_NAME); undefined when either required one is missing.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): NeonBranches | undefined {
    if (!env.NEON_API_KEY || !env.NEON_PROJECT_ID) return undefined;
    return new NeonBranches({
      apiKey: env.NEON_API_KEY,
      projectId: env.NEON_PROJECT_ID,
      apiHost: env.NEON_API_HOST || undefined,
      parentBranchId: env.NEON_PARENT_BRANCH_ID || undefined,
      databaseName: env.NEON_DATABASE_NAME || undefined,
      roleName: env.NEON_ROLE_NAME || undefined,
    });
  }

  /** The branch named exactly `name`, if there is one (`search` also matches parts of names). */
  async find(name: string): Promise<NeonBranch | undefined> {
    const { branches } = await this.#call<{ branches: NeonBranch[] }>(
      'GET',
      `/branches?search=${encodeURIComponent(name)}`,
    );
    return branches.find((branch) => branch.name === name);
  }

  /** The branch named `name`, created (from the parent branch, with a read-write compute) when missing and ready to connect to. */
  async ensure(name: string): Promise<{ branch: NeonBranch; created: boolean }> {
    const existing = await this.find(name);
    if (existing) return { branch: existing, created: false };
    const { branch, operations } = await this.#call<{ branch: NeonBranch; operations: NeonOperation[] }>(
      'POST',
      '/branches',
      {
        branch: { name, ...(this.#parentBranchId ? { parent_id: this.#parentBranchId } : {}) },
        endpoints: [{ type: 'read_write' }],
      },
    );
    await this.#waitFor(operations);
    return { branch, created: true };
  }

  /**
   * The pooled connection string of the branch's database. The creation answer carries one too, but
   * not pooled, and a reused branch needs this call anyway: one path for both.
   */
  async connectionUri(branchId: string): Promise<string> {
    const query = new URLSearchParams({
      branch_id: branchId,
      database_name: this.#databaseName,
      role_name: this.#roleName,
      pooled: 'true',
    });
    const { uri } = await this.#call<{ uri: string }>('GET', `/connection_uri?${query}`);
    return uri;
  }

  /** Deletes the branch named `name`; false when there was none. Never a default or protected branch. */
  async delete(name: string): Promise<boolean> {
    const branch = await this.find(name);
    if (!branch) return false;
    if (branch.default || branch.protected)
      throw new NeonApiError(`Branch ${name} (${branch.id}) is the default or a protected branch: not deleting it.`);
    try {
      await this.#call('DELETE', `/branches/${encodeURIComponent(branch.id)}`);
    } catch (error) {
      // Deleted meanwhile (by a concurrent cleanup): the outcome asked for.
      if (error instanceof NeonApiError && error.status === 404) return false;
      throw error;
    }
    return true;
  }

  async #waitFor(operations: NeonOperation[]): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs;
    for (const { id } of operations) {
      for (;;) {
        const { operation } = await this.#call<{ operation: NeonOperation }>(
          'GET',
          `/operations/${encodeURIComponent(id)}`,
        );
        if (operation.status === 'finished' || operation.status === 'skipped') break;
        if (FAILED_OPERATION.has(operation.status))
          throw new NeonApiError(`Neon operation ${operation.action} (${id}) ended ${operation.status}.`);
        if (Date.now() > deadline)
          throw new NeonApiError(
            `Neon operation ${operation.action} (${id}) still ${operation.status} after ${this.#timeoutMs / 1000} s.`,
          );
        await sleep(this.#pollMs);
      }
    }
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.#apiHost}${this.#projectPath}${path}`;
    // The path without the query: enough to say which call failed.
    const what = `${method} ${this.#projectPath}${path.split('?')[0]}`;
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.#apiKey}`,
            Accept: 'application/json',
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const reason =
          error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message;
        throw new NeonApiError(`Neon API unreachable at ${new URL(this.#apiHost).host} (${what}): ${reason}.`, {
          cause: error,
        });
      }
      if (response.status === LOCKED && Date.now() < deadline) {
        await response.body?.cancel();
        await sleep(this.#pollMs);
        continue;
      }
      if (!response.ok) {
        throw new NeonApiError(`Neon API: ${what} answered ${response.status}: ${await errorMessage(response)}.`, {
          status: response.status,
        });
      }
      return (await response.json()) as T;
    }
  }
}

/** Neon's `{ message }`, else the body's first line; never a connection string. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  let message = text.split('\n')[0] ?? '';
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // Not JSON: the first line says it.
  }
  return withoutPasswords(message.slice(0, 300)) || response.statusText;
}

/** `postgresql://role:secret@host` → `postgresql://role:***@host`: for any text that may quote a connection string. */
function withoutPasswords(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]+@/gi, '$1:***@');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
