import { describe, expect, it } from 'vitest';
import { distance, geohashString, positionOf, scoreOf, searchCells } from '../../stack/upstash/geohash';
import { humanDouble } from '../../stack/upstash/redis-double-text';

// Expected values are Redis 7.0.15's replies.
describe('geohash (Redis 7.0 geohash.c)', () => {
  it('scores a position as GEOADD does, including the overflowing edges', () => {
    expect(scoreOf(13.361389, 38.115556)).toBe(3479099956230698n);
    expect(scoreOf(0, 0)).toBe(3377699720527872n);
    expect(scoreOf(-180, -85.05112878)).toBe(0n);
    expect(scoreOf(180, 85.05112878)).toBe(13510798882111488n);
  });

  it('decodes a score to its cell centre, clamped, as GEOPOS prints it', () => {
    expect(positionOf(3479099956230698).map(humanDouble)).toEqual(['13.36138933897018433', '38.11555639549629859']);
    expect(positionOf(13510798882111488).map(humanDouble)).toEqual(['180', '85.0511287799999991']);
    // Scores that are no geohash: (uint64_t) as gcc compiles it on x86-64.
    expect(positionOf(-1).map(humanDouble)).toEqual(['180', '85.0511287799999991']);
    expect(positionOf(Infinity).map(humanDouble)).toEqual(['-179.99999731779098511', '-85.05112751263942528']);
    expect(positionOf(-Infinity).map(humanDouble)).toEqual(['180', '-85.05112751263942528']);
  });

  it('writes the standard 11-character geohash', () => {
    expect(geohashString(3479099956230698)).toBe('sqc8b49rny0');
    expect(geohashString(13510798882111488)).toBe('bp05b5048p0');
    expect(geohashString(1.5)).toBe('00bh0hbj210');
  });

  it("measures haversine distances with Redis's earth radius", () => {
    const [x1, y1] = positionOf(3479099956230698);
    const [x2, y2] = positionOf(Number(scoreOf(15.087269, 37.502669)));
    expect(distance(x1, y1, x2, y2).toFixed(4)).toBe('166274.1516');
    expect(distance(0, 10, 0, 11)).toBeCloseTo(111226.3, 1); // a meridian: no longitude term
  });

  it('searches nine cells, leaving out the neighbours beyond the bounding box', () => {
    const cells = searchCells({ xy: [15, 37], conversion: 1000, area: { type: 'radius', radius: 200 } });
    expect(cells).toHaveLength(9);
    expect(cells[0]!.step).toBeGreaterThan(0);
    const tiny = searchCells({ xy: [15, 37], conversion: 1, area: { type: 'radius', radius: 0 } });
    expect(tiny.filter((cell) => cell.step === 0)).toHaveLength(8); // only the centre's cell can hold a match
  });
});
