import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

export interface CompressionOptions {
  /** Smallest body worth compressing, in bytes; below it the framing costs more than it saves. @default 1024 */
  threshold?: number;
}

type Format = ConstructorParameters<typeof CompressionStream>[0];

/** Text-like types worth compressing; event streams are excluded (buffering would break them). */
const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream)|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript)\b|image\/svg\+xml)/i;

/** Accept-Encoding token → CompressionStream format, best first. */
const CANDIDATES: ReadonlyArray<[token: string, format: string]> = [
  ['zstd', 'zstd'],
  ['br', 'brotli'],
  ['gzip', 'gzip'],
];
let supported: ReadonlyArray<[token: string, format: string]> | undefined;

/** What this runtime can encode. Probed on first use: Workers refuse to build streams at global scope. */
function supportedEncodings(): ReadonlyArray<[token: string, format: string]> {
  supported ??= CANDIDATES.filter(([, format]) => {
    try {
      new CompressionStream(format as Format);
      return true;
    } catch {
      return false;
    }
  });
  return supported;
}

/** The best supported encoding the client accepts (q > 0), honoring q-values and `*`. */
export function negotiateEncoding(acceptEncoding: string | undefined): [token: string, format: string] | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const weightOf = (token: string) => weights.get(token) ?? weights.get('*') ?? 0;
  let best: [string, string] | undefined;
  for (const candidate of supportedEncodings()) {
    if (weightOf(candidate[0]) > (best ? weightOf(best[0]) : 0)) best = candidate;
  }
  return best;
}

/**
 * Compresses responses where no CDN does it (local dev, non-Cloudflare hosts), switched by
 * the `COMPRESSION` var ("on"/"off"). On Cloudflare keep it off: the edge compresses for each
 * client, and a Worker that compresses itself spends its CPU time on it.
 */
export function compression(options: CompressionOptions = {}): MiddlewareHandler<AppEnv> {
  const threshold = options.threshold ?? 1024;
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new TypeError('compression: threshold must be a whole number of bytes');

  return async function compression(c, next) {
    await next();
    if (c.env.COMPRESSION !== 'on') return;
    const response = c.res;
    if (!COMPRESSIBLE.test(response.headers.get('Content-Type') ?? '')) return;
    if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(response.headers.get('Cache-Control') ?? '')) return;
    // The body may differ by Accept-Encoding from here on, so caches must key on it.
    const vary = response.headers.get('Vary');
    if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? '')) {
      response.headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    // HEAD has no body; 206: Content-Range refers to the uncompressed bytes; already encoded: leave it.
    if (
      c.req.method === 'HEAD' ||
      response.status === 206 ||
      response.headers.has('Content-Encoding') ||
      !response.body
    )
      return;
    const encoding = negotiateEncoding(c.req.header('Accept-Encoding'));
    if (!encoding) return;
    const declaredLength = Number(response.headers.get('Content-Length') ?? Number.NaN);
    if (declaredLength < threshold) return;

    // API bodies are small JSON: buffer to learn the size when no Content-Length says it.
    const body = await response.arrayBuffer();
    if (body.byteLength < threshold) {
      c.res = new Response(body, response);
      return;
    }
    const compressed = new Response(body).body!.pipeThrough(new CompressionStream(encoding[1] as Format));
    const headers = new Headers(response.headers);
    headers.delete('Content-Length');
    headers.set('Content-Encoding', encoding[0]);
    // The bytes changed, so a strong validator no longer holds (RFC 9110 §8.8.1).
    const etag = headers.get('ETag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    c.res = undefined;
    // `manual`: the bytes are already encoded; Workers would otherwise compress them a second time.
    c.res = new Response(compressed, {
      status: response.status,
      statusText: response.statusText,
      headers,
      encodeBody: 'manual',
    });
  };
}
