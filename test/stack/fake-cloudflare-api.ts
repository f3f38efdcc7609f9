// A local stand-in for the parts of Cloudflare's API that wrangler calls (it sends them to
// CLOUDFLARE_API_BASE_URL) for `versions upload`: the Worker's service, its secrets' names, its
// settings, the version upload (multipart), the Worker's preview URL settings; and for
// `versions list` and `deployments status`. Every request is logged; anything else answers 404
// with an API error, which fails wrangler loudly.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { serveJsonApi } from './fake-json-api';

export interface RecordedCloudflareRequest {
  method: string;
  /** Path below /client/v4, without the query. */
  path: string;
  query: string;
}

/** A binding in an uploaded version's metadata. */
export interface UploadedBinding {
  name: string;
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface UploadedVersionMetadata {
  bindings: UploadedBinding[];
  annotations?: Record<string, string>;
  keep_bindings?: string[];
  [key: string]: unknown;
}

/** A version as `GET …/versions` lists it. */
export interface FakeVersion {
  id: string;
  number: number;
  metadata: { created_on: string; source?: string };
  annotations?: Record<string, string>;
}

export interface FakeCloudflareApi {
  /** For CLOUDFLARE_API_BASE_URL. */
  url: string;
  requests: RecordedCloudflareRequest[];
  /** The metadata part of each version upload, in order. */
  uploads: UploadedVersionMetadata[];
  /** What `<alias>` gets appended to for a preview URL: `-<worker>.<subdomain>.workers.dev`. */
  previewUrlSuffix: string;
  /** The Worker's versions, oldest first, for `GET …/versions`: the test fills it. */
  versions: FakeVersion[];
  /** The versions of the current deployment, for `GET …/deployments` (none: never deployed): the test fills it. */
  deployedVersionIds: string[];
  close(): Promise<void>;
}

export interface FakeCloudflareOptions {
  accountId: string;
  workerName: string;
  apiToken: string;
  /** The Worker's secrets' names, as `GET …/secrets` lists them. */
  secretNames: string[];
  /** Called when a version upload arrives, before it is answered (to look at the machine mid-upload). */
  onUpload?: () => void;
}

const ok = (result: unknown) => ({ success: true, errors: [], messages: [], result });

export async function startFakeCloudflareApi(options: FakeCloudflareOptions): Promise<FakeCloudflareApi> {
  const requests: RecordedCloudflareRequest[] = [];
  const uploads: UploadedVersionMetadata[] = [];
  const versions: FakeVersion[] = [];
  const deployedVersionIds: string[] = [];
  const previewUrlSuffix = `-${options.workerName}.fake-subdomain.workers.dev`;
  const account = `/accounts/${options.accountId}`;
  const script = `${account}/workers/scripts/${options.workerName}`;

  async function handle(request: IncomingMessage, path: string, body: Buffer): Promise<[number, unknown]> {
    if (request.headers.authorization !== `Bearer ${options.apiToken}`)
      return [
        400,
        { success: false, errors: [{ code: 6003, message: 'Invalid request headers' }], messages: [], result: null },
      ];
    const route = `${request.method} ${path}`;
    if (route === `GET ${account}/workers/services/${options.workerName}`) {
      return [
        200,
        ok({
          id: options.workerName,
          default_environment: {
            environment: 'production',
            script: { id: options.workerName, tag: 'fake-tag', tags: [], last_deployed_from: 'wrangler' },
          },
        }),
      ];
    }
    if (route === `GET ${script}/secrets`)
      return [200, ok(options.secretNames.map((name) => ({ name, type: 'secret_text' })))];
    if (route === `GET ${script}/settings`)
      return [200, ok({ bindings: options.secretNames.map((name) => ({ name, type: 'secret_text' })) })];
    if (route === `POST ${script}/versions`) {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': request.headers['content-type'] ?? '' },
      }).formData();
      // A plain field or a file part: the API takes either.
      const metadata = form.get('metadata');
      if (metadata === null)
        return [
          400,
          { success: false, errors: [{ code: 10021, message: 'no metadata part' }], messages: [], result: null },
        ];
      uploads.push(
        JSON.parse(typeof metadata === 'string' ? metadata : await metadata.text()) as UploadedVersionMetadata,
      );
      options.onUpload?.();
      return [
        200,
        ok({
          id: randomUUID(),
          number: uploads.length + 1,
          startup_time_ms: 10,
          metadata: { has_preview: true },
          resources: {},
        }),
      ];
    }
    if (route === `GET ${script}/versions`) return [200, ok({ items: versions })];
    if (route === `GET ${script}/deployments`) {
      const deployments =
        deployedVersionIds.length === 0
          ? []
          : [
              {
                id: 'deployment-1',
                source: 'wrangler',
                strategy: 'percentage',
                created_on: '2026-12-01T00:00:00Z',
                versions: deployedVersionIds.map((version_id) => ({
                  version_id,
                  percentage: 100 / deployedVersionIds.length,
                })),
              },
            ];
      return [200, ok({ deployments })];
    }
    if (route === `GET ${account}/workers/workers/${options.workerName}`) {
      return [
        200,
        ok({
          id: options.workerName,
          name: options.workerName,
          subdomain: { enabled: true, previews_enabled: true, preview_url_suffix: previewUrlSuffix },
        }),
      ];
    }
    return [
      404,
      {
        success: false,
        errors: [{ code: 10007, message: `no route ${route} in the fake Cloudflare API` }],
        messages: [],
        result: null,
      },
    ];
  }

  const api = await serveJsonApi(async (request, url, body) => {
    const path = url.pathname.replace(/^\/client\/v4/, '');
    requests.push({ method: request.method ?? '', path, query: url.search });
    return handle(request, path, body);
  });
  return {
    url: `${api.origin}/client/v4`,
    requests,
    uploads,
    previewUrlSuffix,
    versions,
    deployedVersionIds,
    close: api.close,
  };
}
