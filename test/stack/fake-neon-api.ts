// A local stand-in for Neon's API v2, as far as the preview scripts use it: branches (list with
// search, create with operations, delete), operations, connection_uri. It answers the shapes of
// https://api-docs.neon.tech and logs every request, so a test can assert the calls made.
import type { IncomingMessage } from 'node:http';
import { serveJsonApi } from './fake-json-api';

export interface FakeNeonBranch {
  id: string;
  name: string;
  parent_id?: string;
  default: boolean;
  protected: boolean;
}

export interface RecordedNeonRequest {
  method: string;
  /** Path below the API root, with the query. */
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeNeonApi {
  /** The API root, for NEON_API_HOST. */
  url: string;
  requests: RecordedNeonRequest[];
  /** Branches by id; the default branch `main` (br-main) is there from the start. */
  branches: Map<string, FakeNeonBranch>;
  /** The password of every branch's role: what must never be printed. */
  password: string;
  /** The pooled connection string the API gives for a branch. */
  connectionUri(branchId: string): string;
  close(): Promise<void>;
}

export interface FakeNeonOptions {
  apiKey: string;
  projectId: string;
  /** Answer the first branch creation 423 Locked, as Neon does while another operation runs. */
  lockFirstCreate?: boolean;
}

export async function startFakeNeonApi(options: FakeNeonOptions): Promise<FakeNeonApi> {
  const password = `npg_${Math.random().toString(36).slice(2)}Secret`;
  const branches = new Map<string, FakeNeonBranch>([
    ['br-main', { id: 'br-main', name: 'main', default: true, protected: false }],
  ]);
  // Operations finish on their second poll: the client has to wait for them.
  const operationPolls = new Map<string, { action: string; branchId: string; polls: number }>();
  const requests: RecordedNeonRequest[] = [];
  let created = 0;
  let lockCreate = options.lockFirstCreate ?? false;
  const connectionUri = (branchId: string) =>
    `postgresql://neondb_owner:${password}@ep-${branchId.slice(3)}-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require`;

  const project = `/api/v2/projects/${options.projectId}`;
  async function handle(request: IncomingMessage, url: URL, body: unknown): Promise<[number, unknown]> {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`)
      return [401, { code: '', message: 'authorization failed' }];
    if (!url.pathname.startsWith(`${project}/`)) return [404, { code: '', message: 'project not found' }];
    const route = `${request.method} ${url.pathname.slice(project.length)}`;
    if (route === 'GET /branches') {
      const search = url.searchParams.get('search') ?? '';
      return [
        200,
        { branches: [...branches.values()].filter((branch) => branch.name.includes(search) || branch.id === search) },
      ];
    }
    if (route === 'POST /branches') {
      if (lockCreate) {
        lockCreate = false;
        return [
          423,
          {
            code: '',
            message: 'project already has running conflicting operations, scheduling of new ones is prohibited',
          },
        ];
      }
      const wanted = (body as { branch?: { name?: string; parent_id?: string } }).branch ?? {};
      const id = `br-preview-${++created}`;
      const branch = {
        id,
        name: wanted.name ?? id,
        parent_id: wanted.parent_id ?? 'br-main',
        default: false,
        protected: false,
      };
      branches.set(id, branch);
      const operations = ['create_branch', 'start_compute'].map((action, i) => {
        const operationId = `op-${id}-${i}`;
        operationPolls.set(operationId, { action, branchId: id, polls: 0 });
        return { id: operationId, project_id: options.projectId, branch_id: id, action, status: 'running' };
      });
      const endpoint = {
        id: `ep-${id.slice(3)}`,
        host: `ep-${id.slice(3)}.eu-central-1.aws.neon.tech`,
        branch_id: id,
        type: 'read_write',
      };
      return [
        201,
        {
          branch,
          endpoints: [endpoint],
          operations,
          roles: [{ name: 'neondb_owner' }],
          databases: [{ name: 'neondb', owner_name: 'neondb_owner' }],
          // Neon's answer carries the direct (not pooled) connection string too.
          connection_uris: [
            {
              connection_uri: connectionUri(id).replace('-pooler', ''),
              connection_parameters: { database: 'neondb', password, role: 'neondb_owner' },
            },
          ],
        },
      ];
    }
    const operation = /^GET \/operations\/([^/]+)$/.exec(route);
    if (operation?.[1]) {
      const polled = operationPolls.get(operation[1]);
      if (!polled) return [404, { code: '', message: 'operation not found' }];
      polled.polls += 1;
      return [
        200,
        {
          operation: {
            id: operation[1],
            action: polled.action,
            branch_id: polled.branchId,
            status: polled.polls > 1 ? 'finished' : 'running',
          },
        },
      ];
    }
    if (route === 'GET /connection_uri') {
      const branchId = url.searchParams.get('branch_id') ?? '';
      if (!url.searchParams.get('database_name') || !url.searchParams.get('role_name'))
        return [400, { code: '', message: 'database_name and role_name are required' }];
      if (!branches.has(branchId)) return [404, { code: '', message: 'branch not found' }];
      return [
        200,
        {
          uri:
            url.searchParams.get('pooled') === 'true'
              ? connectionUri(branchId)
              : connectionUri(branchId).replace('-pooler', ''),
        },
      ];
    }
    const deletion = /^DELETE \/branches\/([^/]+)$/.exec(route);
    if (deletion?.[1]) {
      const branch = branches.get(deletion[1]);
      if (!branch) return [404, { code: '', message: 'branch not found' }];
      branches.delete(branch.id);
      return [200, { branch, operations: [] }];
    }
    return [404, { code: '', message: `no route ${route} in the fake Neon API` }];
  }

  const api = await serveJsonApi(async (request, url, raw) => {
    const text = raw.toString();
    const body: unknown = text ? JSON.parse(text) : undefined;
    requests.push({
      method: request.method ?? '',
      path: `${url.pathname.replace('/api/v2', '')}${url.search}`,
      authorization: request.headers.authorization,
      body,
    });
    return handle(request, url, body);
  });
  return {
    url: `${api.origin}/api/v2`,
    requests,
    branches,
    password,
    connectionUri,
    close: api.close,
  };
}
