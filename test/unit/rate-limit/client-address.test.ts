import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../src/rate-limit/client-address';

describe('clientAddress', () => {
  const request = (headers: Record<string, string>, cf?: unknown) => ({ headers: new Headers(headers), cf });

  it("prefers the edge's CF-Connecting-IP", () => {
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.7' }, { clientIp: '127.0.0.1:5000' }))).toBe(
      '203.0.113.7',
    );
  });

  it("falls back to workerd's socket address without its port, IPv4 and IPv6", () => {
    expect(clientAddress(request({}, { clientIp: '127.0.0.1:46174' }))).toBe('127.0.0.1');
    expect(clientAddress(request({}, { clientIp: '[::1]:46174' }))).toBe('::1');
  });

  it('is undefined with neither (a service binding, a test)', () => {
    expect(clientAddress(request({}))).toBeUndefined();
    expect(clientAddress(request({}, { clientIp: '' }))).toBeUndefined();
  });
});
