import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../../src/catalog/page-cursor';

describe('page cursors', () => {
  it('round-trip for each sort', () => {
    expect(decodeCursor('id', encodeCursor('id', [42]))).toEqual([42]);
    expect(decodeCursor('price', encodeCursor('price', [0, 3]))).toEqual([0, 3]);
    expect(decodeCursor('newest', encodeCursor('newest', ['2026-01-01T00:00:00.123456Z', 9]))).toEqual([
      '2026-01-01T00:00:00.123456Z',
      9,
    ]);
  });

  it.each([
    ['garbage', 'id', '!!!'],
    ['another sort', 'id', encodeCursor('price', [1, 2])],
    ['a non-integer id', 'id', btoa('["id",1.5]')],
    ['a bad timestamp', 'newest', btoa('["newest","yesterday",1]')],
    ['extra values', 'id', btoa('["id",1,2]')],
  ] as const)('rejects %s', (_label, sort, cursor) => {
    expect(() => decodeCursor(sort, cursor)).toThrow(InvalidCursorError);
  });
});
