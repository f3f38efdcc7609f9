// bench/bytes-only-worker.ts: the Worker that replays captured answers, the bench floor of a response.
import { describe, expect, it } from 'vitest';
import { bytesOnlyWorkerSource, captureAnswer } from '../../bench/bytes-only-worker';

describe('bytes-only Worker (the bench floor of a response)', () => {
  it('replays each captured answer exactly, by path and query string', async () => {
    const answers = [
      await captureAnswer(
        '/health',
        new Response('{"status":"ok"}', {
          headers: { 'Content-Type': 'application/json', 'X-Frame-Options': 'SAMEORIGIN' },
        }),
      ),
      await captureAnswer('/api/products?limit=2', new Response('[]', { status: 203, headers: { ETag: '"abc"' } })),
    ];
    const source = bytesOnlyWorkerSource(answers);
    const worker = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
      default: { fetch(request: Request): Response };
    };
    for (let i = 0; i < 2; i++) {
      const health = worker.default.fetch(new Request('http://127.0.0.1:9/health'));
      expect([
        health.status,
        health.headers.get('X-Frame-Options'),
        health.headers.get('Content-Type'),
        await health.text(),
      ]).toEqual([200, 'SAMEORIGIN', 'application/json', '{"status":"ok"}']);
    }
    const list = worker.default.fetch(new Request('http://127.0.0.1:9/api/products?limit=2'));
    expect([list.status, list.headers.get('ETag'), await list.text()]).toEqual([203, '"abc"', '[]']);
    expect(worker.default.fetch(new Request('http://127.0.0.1:9/api/products')).status).toBe(404);
  });
});
