import { describe, expect, it } from 'vitest';
import { bytesOnlyWorkerSource, captureAnswer } from '../../bench/bytes-only-worker';
import { compareToTargets, ratiosOf, type ScenarioResult } from '../../bench/targets';
import { neonBranchName, previewAlias } from '../../scripts/preview-alias';
import { uploadedVersionFrom } from '../../scripts/wrangler-output';
import { seedCategories, seedProducts } from '../../stack/db/catalog-data';
import { parseDevVars } from '../../stack/dev-vars';

describe('seed data', () => {
  it('is identical on every run and plausible', () => {
    const first = seedProducts(500);
    expect(seedProducts(500)).toEqual(first);
    expect(new Set(first.map((p) => p.sku)).size).toBe(500);
    expect(first.every((p) => p.priceCents >= 0 && p.stock >= 0 && p.name.length > 0)).toBe(true);
    const slugs = new Set(seedCategories().map((c) => c.slug));
    expect(slugs.size).toBe(25);
    expect(first.every((p) => slugs.has(p.categorySlug))).toBe(true);
  });
});

describe('.dev.vars', () => {
  it('parses dotenv lines, quotes and comments', () => {
    expect(parseDevVars('# comment\nA="x y"\nB=plain\n  C = \'q\'\nbad line\n')).toEqual({ A: 'x y', B: 'plain', C: 'q' });
  });
});

describe('preview alias', () => {
  it('derives a DNS-safe alias from the branch', () => {
    expect(previewAlias('feature/Cache_Layer#12', 'edge-api')).toBe('feature-cache-layer-12');
    expect(previewAlias('123-fix', 'edge-api')).toBe('fix');
    expect(previewAlias('x'.repeat(100), 'edge-api')).toHaveLength(54);
    expect(previewAlias('///', 'edge-api')).toBe('preview');
  });

  it('names the Neon branch after the alias', () => {
    expect(neonBranchName(previewAlias('feature/Cache_Layer#12', 'edge-api'))).toBe('preview/feature-cache-layer-12');
  });

  it('reads the uploaded version from wrangler\'s output file', () => {
    const output = [
      '{"type":"wrangler-session","version":1}',
      '{"type":"version-upload","version":1,"version_id":"v1","preview_url":"https://v1abc-edge-api.me.workers.dev","preview_alias_url":"https://feat-edge-api.me.workers.dev"}',
      '',
    ].join('\n');
    expect(uploadedVersionFrom(output)).toEqual({
      versionId: 'v1', previewUrl: 'https://v1abc-edge-api.me.workers.dev', previewAliasUrl: 'https://feat-edge-api.me.workers.dev',
    });
    expect(uploadedVersionFrom('{"type":"version-upload","version":1,"version_id":"v2"}\n')).toEqual({ versionId: 'v2', previewUrl: undefined, previewAliasUrl: undefined });
    expect(uploadedVersionFrom('{"type":"wrangler-session","version":1}\n')).toBeUndefined();
  });
});

describe('benchmark targets', () => {
  const result = (name: string, requestsPerSecond: number, p95: number, errors = 0, cpuMicrosPerRequest?: number): ScenarioResult =>
    ({ name, path: '/', headers: {}, requestsPerSecond, p50: p95 / 2, p95, p99: p95 * 2, errors, total: 1, cpuMicrosPerRequest });

  it('computes the ratios and judges them', () => {
    const results = [result('health', 10_000, 4), result('product hit', 8_500, 5), result('product bypass', 1_000, 30),
      result('stats hit', 8_000, 5), result('stats bypass', 500, 100, 1)];
    const ratios = ratiosOf(results);
    expect(ratios).toEqual({ cpuVsHelloWorld: {}, hitVsFloorThroughput: 0.85, hitVsFloorP95: 1.25, hitVsBypassThroughput: 8.5, statsHitVsBypassThroughput: 16 });
    const verdicts = compareToTargets(results, ratios);
    expect(verdicts.filter((v) => !v.met).map((v) => v.description)).toEqual(['no errors']);
  });

  it('judges CPU per request against the hello-world Worker when it was measured', () => {
    const results = [result('hello-world', 20_000, 2, 0, 60), result('health', 10_000, 4, 0, 75), result('product hit', 8_500, 5, 0, 100),
      result('product bypass', 1_000, 30, 0, 400), result('stats hit', 8_000, 5, 0, 90), result('stats bypass', 500, 100, 0, 500)];
    const ratios = ratiosOf(results);
    expect(ratios.cpuVsHelloWorld).toEqual({ health: 1.25, 'product hit': 1.67, 'product bypass': 6.67, 'stats hit': 1.5, 'stats bypass': 8.33 });
    const failed = compareToTargets(results, ratios).filter((v) => !v.met).map((v) => v.description);
    expect(failed).toEqual(['CPU per request, product hit ≤ 1.5 × hello-world']);
  });

  it("reports what a scenario's bytes alone cost next to its CPU target", () => {
    const results = [result('hello-world', 20_000, 2, 0, 60), result('health', 10_000, 4, 0, 90), result('health, bytes only', 12_000, 3, 0, 78),
      result('product hit', 8_500, 5, 0, 120), result('product bypass', 1_000, 30), result('stats hit', 8_000, 5), result('stats bypass', 500, 100)];
    const verdicts = compareToTargets(results, ratiosOf(results));
    expect(verdicts.slice(0, 3)).toEqual([
      { description: 'CPU per request, product hit ≤ 1.5 × hello-world', actual: '2×', met: false },
      { description: 'CPU per request, health ≤ 1.3 × hello-world', actual: '1.5×', met: false },
      { description: "(info) health's bytes alone, replayed by a Worker that does nothing else", actual: '1.3× hello-world', met: true },
    ]);
  });
});

describe('bytes-only Worker (the bench floor of a response)', () => {
  it('replays each captured answer exactly, by path and query string', async () => {
    const answers = [
      await captureAnswer('/health', new Response('{"status":"ok"}', { headers: { 'Content-Type': 'application/json', 'X-Frame-Options': 'SAMEORIGIN' } })),
      await captureAnswer('/api/products?limit=2', new Response('[]', { status: 203, headers: { ETag: '"abc"' } })),
    ];
    const source = bytesOnlyWorkerSource(answers);
    const worker = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as { default: { fetch(request: Request): Response } };
    for (let i = 0; i < 2; i++) {
      const health = worker.default.fetch(new Request('http://127.0.0.1:9/health'));
      expect([health.status, health.headers.get('X-Frame-Options'), health.headers.get('Content-Type'), await health.text()])
        .toEqual([200, 'SAMEORIGIN', 'application/json', '{"status":"ok"}']);
    }
    const list = worker.default.fetch(new Request('http://127.0.0.1:9/api/products?limit=2'));
    expect([list.status, list.headers.get('ETag'), await list.text()]).toEqual([203, '"abc"', '[]']);
    expect(worker.default.fetch(new Request('http://127.0.0.1:9/api/products')).status).toBe(404);
  });
});
