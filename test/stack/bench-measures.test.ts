// What the benchmarks measure with: workerd's CPU per request read from /proc (here on this
// test process, which holds a listening socket and burns CPU on demand), and the percentiles
// and query shapes of `npm run bench:scale`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_TERMS, percentile, queryShapes, RARE_TERMS, SORTS } from '../../bench/scale-shapes';
import { cpuMicros, pidsListeningOn } from '../../bench/workerd-cpu';

describe('CPU time of the process serving a port', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_, response) => response.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.runIf(process.platform === 'linux')(
    'finds the process listening on a port, and no process on a closed one',
    async () => {
      expect(await pidsListeningOn(port)).toEqual([process.pid]);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const freed = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await pidsListeningOn(freed)).toEqual([]);
    },
  );

  it.runIf(process.platform === 'linux')(
    'counts the CPU a process spends, as the process itself counts it (10 ms resolution)',
    async () => {
      const before = await cpuMicros([process.pid]);
      const ownBefore = process.cpuUsage();
      // Burn ~200 ms of CPU, however long a busy machine takes to give it.
      let spin = 0;
      while (process.cpuUsage(ownBefore).user < 200_000) spin += Math.sqrt(spin + 1);
      const own = process.cpuUsage(ownBefore);
      const spent = (await cpuMicros([process.pid])) - before;
      expect(spin).toBeGreaterThan(0);
      expect(Math.abs(spent - (own.user + own.system))).toBeLessThan(40_000 + 0.1 * spent);
    },
  );
});

describe('bench:scale', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
  });

  it('times every sort with and without a category, deep cursors, both kinds of search, and the summaries', () => {
    const deep = Object.fromEntries(
      SORTS.map((sort) => [
        sort,
        { all: sort === 'id' ? [900] : [5000, 900], inCategory: sort === 'id' ? [950] : [4000, 950] },
      ]),
    );
    const shapes = queryShapes('tea', [1, 2, 3], deep as never);
    const names = shapes.map((shape) => shape.name);
    expect(new Set(names).size).toBe(names.length);
    expect(shapes).toHaveLength(1 + SORTS.length * 8 + 2);
    expect(names).toEqual(
      expect.arrayContaining([
        'product by id',
        'categories',
        'stats',
        'list sort=newest, category, deep cursor',
        'search rare, sort=-price, category',
      ]),
    );
    const search = shapes.find((shape) => shape.name === 'search common, sort=price, category')!;
    expect(search.paths).toHaveLength(COMMON_TERMS.length);
    expect(search.paths.every((p) => p.includes('category=tea') && p.includes('sort=price'))).toBe(true);
    expect(shapes.find((shape) => shape.name === 'search rare, sort=id')!.paths).toHaveLength(RARE_TERMS.length);
    expect(shapes.find((shape) => shape.name === 'list sort=price, deep cursor')!.paths[0]).toMatch(
      /cursor=[A-Za-z0-9_-]+/,
    );
  });
});
