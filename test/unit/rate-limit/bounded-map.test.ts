import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../../src/rate-limit/bounded-map';

describe("BoundedMap (the limiter's ephemeral cache)", () => {
  it('forgets the oldest entries past its limit, and updates in place without forgetting', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3);
    expect([...map]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    map.set('c', 4);
    expect([...map]).toEqual([
      ['b', 2],
      ['c', 4],
    ]);
    expect(map instanceof Map).toBe(true);
  });
});
