// Geo commands (GEOADD, GEODIST, GEOHASH, GEOPOS, GEOSEARCH, GEOSEARCHSTORE) on sorted sets for the in-memory
// backend, with Redis 7's replies and errors (checked against real Redis by upstash-backends-agree.test.ts).
// As in Redis, a geo set is a sorted set whose scores are geohashes (geohash.ts): GEOADD is ZADD with computed
// scores, and the Z… commands work on geo sets.

import { type GeoPoint, nearest, pointsWithin } from './geo-search';
import { distance, type GeoShape, geohashString, isValidPosition, positionOf, scoreOf } from './geohash';
import { dataCommands } from './memory-commands';
import { readSortedSet } from './memory-sorted-set-commands';
import { commandTable } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { distanceText, humanDouble, parseDouble, toFixedExact } from './redis-double-text';
import { longLongOf } from './redis-integers';
import { SORTED_SET, SortedSet } from './sorted-set';

const SYNTAX_ERROR = 'ERR syntax error';

const { commands, define } = commandTable();
export const geoCommands = commands;

function double(text: string, error = 'ERR value is not a valid float'): number {
  const value = parseDouble(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** extractLongLatOrReply: both numbers, then the range (printed with printf's %f). */
function longitudeLatitude(longitudeText: string, latitudeText: string): [number, number] {
  const [longitude, latitude] = [double(longitudeText), double(latitudeText)];
  if (!isValidPosition(longitude, latitude)) {
    const pair = `${toFixedExact(longitude, 6)},${toFixedExact(latitude, 6)}`;
    throw new ReplyError(`ERR invalid longitude,latitude pair ${pair}`);
  }
  return [longitude, latitude];
}

const METERS_PER_UNIT: Record<string, number> = { M: 1, KM: 1000, FT: 0.3048, MI: 1609.34 };

function metersPerUnit(unit: string): number {
  const meters = METERS_PER_UNIT[unit.toUpperCase()];
  if (meters === undefined) throw new ReplyError('ERR unsupported unit provided. please use M, KM, FT, MI');
  return meters;
}

/** GEOADD key [NX|XX] [CH] longitude latitude member […]: ZADD with the positions' scores, as Redis does it. */
define('GEOADD', -5, (store, [key = '', ...args]) => {
  let first = 0;
  while (first < args.length && ['NX', 'XX', 'CH'].includes(args[first]!.toUpperCase())) first++;
  const flags = args.slice(0, first);
  const triples = args.slice(first);
  const upper = flags.map((flag) => flag.toUpperCase());
  if (triples.length % 3 !== 0 || (upper.includes('NX') && upper.includes('XX'))) throw new ReplyError(SYNTAX_ERROR);
  const zaddArgs = [key, ...flags];
  for (let i = 0; i < triples.length; i += 3) {
    const [longitude, latitude] = longitudeLatitude(triples[i]!, triples[i + 1]!);
    zaddArgs.push(scoreOf(longitude, latitude).toString(), triples[i + 2]!);
  }
  return dataCommands.get('ZADD')!.run(store, zaddArgs);
});

define('GEODIST', -4, (store, [key = '', member1 = '', member2 = '', unit, ...extra]) => {
  if (extra.length > 0) throw new ReplyError(SYNTAX_ERROR);
  const toMeters = unit === undefined ? 1 : metersPerUnit(unit);
  const zset = readSortedSet(store, key);
  const [score1, score2] = [zset?.score(member1), zset?.score(member2)];
  if (score1 === undefined || score2 === undefined) return null;
  const [[x1, y1], [x2, y2]] = [positionOf(score1), positionOf(score2)];
  return Buffer.from(distanceText(distance(x1, y1, x2, y2) / toMeters));
});

define('GEOHASH', -2, (store, [key = '', ...members]) => {
  const zset = readSortedSet(store, key);
  return members.map((member) => {
    const score = zset?.score(member);
    return score === undefined ? null : Buffer.from(geohashString(score));
  });
});

const coordinates = (position: [number, number]): Reply => position.map((value) => Buffer.from(humanDouble(value)));

define('GEOPOS', -2, (store, [key = '', ...members]) => {
  const zset = readSortedSet(store, key);
  return members.map((member) => {
    const score = zset?.score(member);
    return score === undefined ? null : coordinates(positionOf(score));
  });
});

interface SearchRequest {
  center?: [number, number];
  fromMember: boolean;
  area?: GeoShape['area'];
  conversion: number;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  any: boolean;
  count?: number;
  order?: 'ASC' | 'DESC';
  storeDist: boolean;
}

/**
 * GEOSEARCH's options, read in Redis's order: each error as soon as its option is read (so a missing
 * FROMMEMBER member before a later syntax error), the combinations checked afterwards.
 */
function parseSearch(name: string, zset: SortedSet | undefined, options: string[], storing: boolean): SearchRequest {
  const request: SearchRequest = {
    fromMember: false,
    conversion: 1,
    withDist: false,
    withHash: false,
    withCoord: false,
    any: false,
    storeDist: false,
  };
  let fromLonLat = false;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    const following = options.length - 1 - i;
    if (option === 'WITHDIST') request.withDist = true;
    else if (option === 'WITHHASH') request.withHash = true;
    else if (option === 'WITHCOORD') request.withCoord = true;
    else if (option === 'ANY') request.any = true;
    else if (option === 'ASC' || option === 'DESC') request.order = option;
    else if (option === 'COUNT' && following >= 1) {
      const count = longLongOf(options[++i]!);
      if (count === undefined) throw new ReplyError('ERR value is not an integer or out of range');
      if (count <= 0n) throw new ReplyError('ERR COUNT must be > 0');
      request.count = Number(count);
    } else if (option === 'STOREDIST' && storing) request.storeDist = true;
    else if (option === 'FROMMEMBER' && following >= 1 && !fromLonLat) {
      const member = options[++i]!;
      request.fromMember = true;
      if (!zset) continue; // the reply is empty (or 0) anyway, once the rest is checked
      const score = zset.score(member);
      if (score === undefined) throw new ReplyError('ERR could not decode requested zset member');
      request.center = positionOf(score);
    } else if (option === 'FROMLONLAT' && following >= 2 && !request.fromMember) {
      request.center = longitudeLatitude(options[i + 1]!, options[i + 2]!);
      fromLonLat = true;
      i += 2;
    } else if (option === 'BYRADIUS' && following >= 2 && request.area?.type !== 'box') {
      const radius = double(options[i + 1]!, 'ERR need numeric radius');
      if (radius < 0) throw new ReplyError('ERR radius cannot be negative');
      request.conversion = metersPerUnit(options[i + 2]!);
      request.area = { type: 'radius', radius };
      i += 2;
    } else if (option === 'BYBOX' && following >= 3 && request.area?.type !== 'radius') {
      const width = double(options[i + 1]!, 'ERR need numeric width');
      const height = double(options[i + 2]!, 'ERR need numeric height');
      if (height < 0 || width < 0) throw new ReplyError('ERR height or width cannot be negative');
      request.conversion = metersPerUnit(options[i + 3]!);
      request.area = { type: 'box', width, height };
      i += 3;
    } else throw new ReplyError(SYNTAX_ERROR);
  }
  if (storing && (request.withDist || request.withHash || request.withCoord)) {
    throw new ReplyError('ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options');
  }
  // Redis names the command as the client spelled it, which does not reach here: the Upstash client's lower case.
  if (!request.fromMember && !fromLonLat) {
    throw new ReplyError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  }
  if (!request.area) throw new ReplyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  if (request.any && request.count === undefined) throw new ReplyError('ERR the ANY argument requires COUNT argument');
  return request;
}

/** The points GEOSEARCH answers with, in its order (COUNT without ASC, DESC or ANY means ASC). */
function search(zset: SortedSet, request: SearchRequest): GeoPoint[] {
  const shape: GeoShape = { xy: request.center!, conversion: request.conversion, area: request.area! };
  const points = pointsWithin(zset, shape, request.any ? request.count : undefined);
  const order = request.order ?? (request.count !== undefined && !request.any ? 'ASC' : undefined);
  if (order) return nearest(points, order, request.count);
  return points.slice(0, request.count);
}

function describePoint(point: GeoPoint, request: SearchRequest, withOptions: boolean): Reply {
  const member = Buffer.from(point.member);
  if (!withOptions) return member;
  const reply: Reply[] = [member];
  if (request.withDist) reply.push(Buffer.from(distanceText(point.distance / request.conversion)));
  if (request.withHash) reply.push(Math.trunc(point.score));
  if (request.withCoord) reply.push(coordinates([point.longitude, point.latitude]));
  return reply;
}

define('GEOSEARCH', -7, (store, [key = '', ...options]) => {
  const zset = readSortedSet(store, key);
  const request = parseSearch('geosearch', zset, options, false);
  if (!zset) return [];
  const withOptions = request.withDist || request.withHash || request.withCoord;
  return search(zset, request).map((point) => describePoint(point, request, withOptions));
});

/** GEOSEARCHSTORE: the points as a sorted set, scored by geohash or, with STOREDIST, by distance in the unit. */
define('GEOSEARCHSTORE', -8, (store, [destination = '', key = '', ...options]) => {
  const zset = readSortedSet(store, key);
  const request = parseSearch('geosearchstore', zset, options, true);
  const points = zset ? search(zset, request) : [];
  const result = new SortedSet();
  for (const point of points) {
    result.set(point.member, request.storeDist ? point.distance / request.conversion : point.score);
  }
  store.redis.del(destination);
  if (result.size > 0) store.redis.setRaw(destination, { [SORTED_SET]: result });
  return points.length;
});
