import { describe, expect, it } from 'vitest';
import { compareToTargets, ratiosOf, type ScenarioResult } from '../../bench/targets';
import { previewAlias, previewUrlFrom } from '../../scripts/preview-alias';
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

  it('finds the alias URL in wrangler output', () => {
    const output = 'Worker Version ID: 1\nVersion Preview URL: https://abc-edge-api.me.workers.dev\nVersion Preview Alias URL: https://feat-edge-api.me.workers.dev\n';
    expect(previewUrlFrom(output)).toBe('https://feat-edge-api.me.workers.dev');
    expect(previewUrlFrom('no url here')).toBeUndefined();
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
});
