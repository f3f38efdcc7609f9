// GEOSEARCH's search over a sorted set, as Redis 7.0's geo.c does it: the points of the nine cells
// around the centre, read cell by cell in score order and filtered by the shape, then ordered by
// distance. The order of equal distances is part of the reply, so Redis's sorts are kept: glibc's
// stable qsort for a full sort, pqsort when COUNT keeps fewer points than were found.
import { distanceWithin, type GeoShape, positionOf, scoreRangeOf, searchCells } from './geohash';
import { partialQuicksort } from './partial-quicksort';
import type { SortedSet } from './sorted-set';

export interface GeoPoint {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  /** Meters from the shape's centre. */
  distance: number;
}

/** The points within the shape, in the order Redis finds them; with a `limit` (ANY), the first that many. */
export function pointsWithin(zset: SortedSet, shape: GeoShape, limit?: number): GeoPoint[] {
  const cells = searchCells(shape);
  const found: GeoPoint[] = [];
  const full = () => limit !== undefined && found.length >= limit;
  let lastRead = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.bits === 0n && cell.step === 0) continue; // left out
    // With huge radii neighbours repeat; Redis skips one equal to the cell it read last (not the centre).
    if (lastRead !== 0 && cell.bits === cells[lastRead]!.bits && cell.step === cells[lastRead]!.step) continue;
    if (full()) break;
    const [min, max] = scoreRangeOf(cell);
    for (const { member, score } of zset.byScore({ value: min, exclusive: false }, { value: max, exclusive: true })) {
      const [longitude, latitude] = positionOf(score);
      const distance = distanceWithin(shape, longitude, latitude);
      if (distance !== undefined) found.push({ member, score, longitude, latitude, distance });
      if (full()) break;
    }
    lastRead = i;
  }
  return found;
}

/** sort_gp_asc: by distance, equal ones kept as they are. */
function nearerFirst(a: GeoPoint, b: GeoPoint): number {
  return a.distance > b.distance ? 1 : a.distance === b.distance ? 0 : -1;
}

/** The first `count` points (all when undefined) by distance, ordered as Redis orders them. */
export function nearest(points: GeoPoint[], order: 'ASC' | 'DESC', count?: number): GeoPoint[] {
  const compare = order === 'ASC' ? nearerFirst : (a: GeoPoint, b: GeoPoint) => -nearerFirst(a, b);
  const kept = count === undefined || points.length < count ? points.length : count;
  if (kept === points.length)
    points.sort(compare); // stable, as glibc's merge sort
  else partialQuicksort(points, compare, 0, kept - 1);
  return points.slice(0, kept);
}
