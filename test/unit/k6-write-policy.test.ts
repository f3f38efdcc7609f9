import { describe, expect, it } from 'vitest';
import { writesAllowed } from '../../k6/lib/write-policy';

describe('k6 write policy', () => {
  it('writes to the local stack', () => {
    for (const url of ['http://127.0.0.1:8787', 'http://localhost:8787/', 'http://[::1]:8787', 'http://127.0.0.2']) {
      expect(writesAllowed(url, undefined), url).toBe(true);
    }
  });

  it('sends no writes anywhere else unless told the data is disposable', () => {
    for (const url of [
      'https://edge-api.example.workers.dev',
      'https://pr-12-edge-api.example.workers.dev',
      'http://127.0.0.1.evil.example',
    ]) {
      expect(writesAllowed(url, undefined), url).toBe(false);
      expect(writesAllowed(url, '0'), url).toBe(false);
      expect(writesAllowed(url, '1'), url).toBe(true);
    }
  });
});
