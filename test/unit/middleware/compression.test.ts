import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../../src/middleware/compression';

describe('Accept-Encoding negotiation', () => {
  it('picks gzip when accepted and honours q=0', () => {
    expect(negotiateEncoding('gzip, deflate')?.[0]).toBe('gzip');
    expect(negotiateEncoding('*')).toBeDefined();
    expect(negotiateEncoding('gzip;q=0')).toBeUndefined();
    expect(negotiateEncoding('identity')).toBeUndefined();
    expect(negotiateEncoding(undefined)).toBeUndefined();
  });
});
