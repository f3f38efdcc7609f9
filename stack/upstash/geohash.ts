// Redis 7.0's geohash (geohash.c, geohash_helper.c), ported operation for operation so that every
// score, decoded position and distance is the same double Redis computes. A geo set is a sorted set
// whose scores are 52-bit interleaved geohashes (step 26: 26 bits of latitude, 26 of longitude).
// Hashes are BigInts because Redis works on uint64 and lets bits overflow past 52 at the edges.

export const GEO_STEP_MAX = 26;
const LAT_MIN = -85.05112878;
const LAT_MAX = 85.05112878;
const LONG_MIN = -180;
const LONG_MAX = 180;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const UINT64 = (1n << 64n) - 1n;
const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;

export interface GeoHashBits {
  bits: bigint;
  /** Bits per coordinate; 0 (with bits 0) marks a neighbour box left out of a search. */
  step: number;
}
interface Range {
  min: number;
  max: number;
}
export interface GeoHashArea {
  longitude: Range;
  latitude: Range;
}
/** Where a search is centred (longitude, latitude), what it covers, and the unit's meters. */
export interface GeoShape {
  xy: [number, number];
  conversion: number;
  area: { type: 'radius'; radius: number } | { type: 'box'; width: number; height: number };
}

const GEO_RANGES = { longitude: { min: LONG_MIN, max: LONG_MAX }, latitude: { min: LAT_MIN, max: LAT_MAX } };
/** The standard geohash ranges GEOHASH re-encodes with (latitude ±90, not ±85.05). */
const STANDARD_RANGES = { longitude: { min: -180, max: 180 }, latitude: { min: -90, max: 90 } };

const deg_rad = (degrees: number) => degrees * D_R;
const rad_deg = (radians: number) => radians / D_R;

const SPREAD: Array<[bigint, bigint]> = [
  [16n, 0x0000ffff0000ffffn],
  [8n, 0x00ff00ff00ff00ffn],
  [4n, 0x0f0f0f0f0f0f0f0fn],
  [2n, 0x3333333333333333n],
  [1n, EVEN_BITS],
];
const SQUEEZE: Array<[bigint, bigint]> = [
  [0n, EVEN_BITS],
  [1n, 0x3333333333333333n],
  [2n, 0x0f0f0f0f0f0f0f0fn],
  [4n, 0x00ff00ff00ff00ffn],
  [8n, 0x0000ffff0000ffffn],
  [16n, 0x00000000ffffffffn],
];

/** interleave64: latitude's bits on the even positions, longitude's on the odd ones. */
function interleave(latitudeBits: bigint, longitudeBits: bigint): bigint {
  const spread = (value: bigint) => SPREAD.reduce((v, [shift, mask]) => (v | (v << shift)) & mask, value);
  return spread(latitudeBits) | (spread(longitudeBits) << 1n);
}

/** deinterleave64, as the two uint32 halves geohashDecode reads. */
function deinterleave(bits: bigint): { latitude: number; longitude: number } {
  const squeeze = (value: bigint) => SQUEEZE.reduce((v, [shift, mask]) => (v | (v >> shift)) & mask, value);
  return { latitude: Number(squeeze(bits)), longitude: Number(squeeze(bits >> 1n)) };
}

function encode(ranges: GeoHashArea, longitude: number, latitude: number, step: number): GeoHashBits | undefined {
  // Redis refuses positions outside its own limits even with the standard ranges.
  if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) return undefined;
  const { latitude: lat, longitude: long } = ranges;
  if (latitude < lat.min || latitude > lat.max || longitude < long.min || longitude > long.max) return undefined;
  const latOffset = ((latitude - lat.min) / (lat.max - lat.min)) * 2 ** step;
  const longOffset = ((longitude - long.min) / (long.max - long.min)) * 2 ** step;
  // C converts the offsets to uint32 by truncation; an offset of exactly 2^step overflows into the next bit.
  return { bits: interleave(BigInt(Math.trunc(latOffset)), BigInt(Math.trunc(longOffset))), step };
}

/** The cell of `hash` (geohashDecode). */
function decode(ranges: GeoHashArea, hash: GeoHashBits): GeoHashArea {
  const { latitude: ilato, longitude: ilono } = deinterleave(hash.bits);
  const cells = 2 ** hash.step;
  const { latitude: lat, longitude: long } = ranges;
  const latScale = lat.max - lat.min;
  const longScale = long.max - long.min;
  // `+ 1` on a uint32 wraps, as in C.
  const next = (cell: number) => (cell + 1) >>> 0;
  return {
    latitude: { min: lat.min + (ilato / cells) * latScale, max: lat.min + (next(ilato) / cells) * latScale },
    longitude: { min: long.min + (ilono / cells) * longScale, max: long.min + (next(ilono) / cells) * longScale },
  };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The centre of a cell, kept within Redis's limits (geohashDecodeAreaToLongLat). */
function centerOf(area: GeoHashArea): [number, number] {
  return [
    clamp((area.longitude.min + area.longitude.max) / 2, LONG_MIN, LONG_MAX),
    clamp((area.latitude.min + area.latitude.max) / 2, LAT_MIN, LAT_MAX),
  ];
}

/** Whether Redis accepts the position (GEOADD and FROMLONLAT check this). */
export function isValidPosition(longitude: number, latitude: number): boolean {
  return !(longitude < LONG_MIN || longitude > LONG_MAX || latitude < LAT_MIN || latitude > LAT_MAX);
}

/** geohashAlign52Bits: the hash as a step-26 sorted-set score. */
function align52(hash: GeoHashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & UINT64;
}

/** The score GEOADD gives a valid position, as the exact integer Redis passes to ZADD. */
export function scoreOf(longitude: number, latitude: number): bigint {
  return align52(encode(GEO_RANGES, longitude, latitude, GEO_STEP_MAX)!);
}

/** `(uint64_t)score` as gcc compiles it on x86-64: out-of-range values become 0 or 2^63. */
function scoreBits(score: number): bigint {
  const signedTruncation = (value: number) =>
    Number.isNaN(value) || value >= 2 ** 63 || value < -(2 ** 63)
      ? 1n << 63n
      : BigInt.asUintN(64, BigInt(Math.trunc(value)));
  if (!(score >= 2 ** 63)) return signedTruncation(score);
  return signedTruncation(score - 2 ** 63) ^ (1n << 63n);
}

/** The position GEOPOS answers for a score: the centre of its step-26 cell. */
export function positionOf(score: number): [number, number] {
  return centerOf(decode(GEO_RANGES, { bits: scoreBits(score), step: GEO_STEP_MAX }));
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11 characters: the position re-encoded with the standard ranges; the 11th is always '0'. */
export function geohashString(score: number): string {
  const [longitude, latitude] = positionOf(score);
  const { bits } = encode(STANDARD_RANGES, longitude, latitude, GEO_STEP_MAX)!;
  let text = '';
  for (let i = 0; i < 10; i++) text += GEO_ALPHABET[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return text + '0';
}

// Distances

/** Distance along a meridian (the haversine with no longitude difference). */
function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(deg_rad(lat2) - deg_rad(lat1));
}

/** Haversine great-circle distance in meters. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = deg_rad(lon1);
  const lon2r = deg_rad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latitudeDistance(lat1, lat2);
  const lat1r = deg_rad(lat1);
  const lat2r = deg_rad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** The distance from the shape's centre to the point, or undefined when the point is outside (geoWithinShape). */
export function distanceWithin(shape: GeoShape, longitude: number, latitude: number): number | undefined {
  const [x1, y1] = shape.xy;
  if (shape.area.type === 'radius') {
    const meters = distance(x1, y1, longitude, latitude);
    return meters > shape.area.radius * shape.conversion ? undefined : meters;
  }
  // Latitude first: it is the cheaper test.
  if (latitudeDistance(latitude, y1) > (shape.area.height * shape.conversion) / 2) return undefined;
  if (distance(longitude, latitude, x1, latitude) > (shape.area.width * shape.conversion) / 2) return undefined;
  return distance(x1, y1, longitude, latitude);
}

// The search boxes

function estimateStepsByRadius(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // so that the range is within the boxes in most cases
  // Meridians are closer towards the poles.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  return clamp(step, 1, 26);
}

/** [min longitude, min latitude, max longitude, max latitude] around the shape (geohashBoundingBox). */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const { area, conversion } = shape;
  const height = conversion * (area.type === 'radius' ? area.radius : area.height / 2);
  const width = conversion * (area.type === 'radius' ? area.radius : area.width / 2);
  const latDelta = rad_deg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = rad_deg(width / EARTH_RADIUS_IN_METERS / Math.cos(deg_rad(latitude + latDelta)));
  const longDeltaBottom = rad_deg(width / EARTH_RADIUS_IN_METERS / Math.cos(deg_rad(latitude - latDelta)));
  // The box is widest at the edge nearer the equator.
  const longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
  return [longitude - longDelta, latitude - latDelta, longitude + longDelta, latitude + latDelta];
}

/** geohash_move_x / geohash_move_y: the next cell east (+1) or west (-1), north (+1) or south (-1). */
function move(hash: GeoHashBits, direction: number, axisBits: bigint): GeoHashBits {
  if (direction === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  const otherBits = axisBits === ODD_BITS ? EVEN_BITS : ODD_BITS;
  let axis = hash.bits & axisBits;
  const other = hash.bits & otherBits;
  const zz = otherBits >> shift;
  if (direction > 0) axis = (axis + (zz + 1n)) & UINT64;
  else axis = ((axis | zz) - (zz + 1n)) & UINT64;
  axis &= axisBits >> shift;
  return { bits: axis | other, step: hash.step };
}
const moved = (hash: GeoHashBits, east: number, north: number) => move(move(hash, east, ODD_BITS), north, EVEN_BITS);

const ZERO: GeoHashBits = { bits: 0n, step: 0 };

/**
 * The cells a search reads, in Redis's order: the centre's, then north, south, east, west, north-east,
 * north-west, south-east, south-west; neighbours that cannot hold a match are ZERO
 * (geohashCalculateAreasByShapeWGS84).
 */
export function searchCells(shape: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  const { area } = shape;
  // A box's radius is from its centre to a corner.
  const radius =
    area.type === 'radius'
      ? area.radius
      : Math.sqrt((area.width / 2) * (area.width / 2) + (area.height / 2) * (area.height / 2));
  const radiusMeters = radius * shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, latitude);
  let hash = encode(GEO_RANGES, longitude, latitude, steps)!;
  // A step too coarse can leave part of the box outside the neighbours: one step coarser then.
  const north = decode(GEO_RANGES, moved(hash, 0, 1));
  const south = decode(GEO_RANGES, moved(hash, 0, -1));
  const east = decode(GEO_RANGES, moved(hash, 1, 0));
  const west = decode(GEO_RANGES, moved(hash, -1, 0));
  const decrease =
    north.latitude.max < maxLat ||
    south.latitude.min > minLat ||
    east.longitude.max < maxLon ||
    west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(GEO_RANGES, longitude, latitude, steps)!;
  }
  const center = decode(GEO_RANGES, hash);
  const cells = {
    north: moved(hash, 0, 1),
    south: moved(hash, 0, -1),
    east: moved(hash, 1, 0),
    west: moved(hash, -1, 0),
    northEast: moved(hash, 1, 1),
    northWest: moved(hash, -1, 1),
    southEast: moved(hash, 1, -1),
    southWest: moved(hash, -1, -1),
  };
  // Leave out the neighbours beyond the bounding box.
  if (steps >= 2) {
    if (center.latitude.min < minLat) Object.assign(cells, { south: ZERO, southWest: ZERO, southEast: ZERO });
    if (center.latitude.max > maxLat) Object.assign(cells, { north: ZERO, northEast: ZERO, northWest: ZERO });
    if (center.longitude.min < minLon) Object.assign(cells, { west: ZERO, southWest: ZERO, northWest: ZERO });
    if (center.longitude.max > maxLon) Object.assign(cells, { east: ZERO, southEast: ZERO, northEast: ZERO });
  }
  const { north: n, south: s, east: e, west: w, northEast, northWest, southEast, southWest } = cells;
  return [hash, n, s, e, w, northEast, northWest, southEast, southWest];
}

/** The scores of a cell's points: min inclusive, max exclusive (scoresOfGeoHashBox). */
export function scoreRangeOf(cell: GeoHashBits): [min: number, max: number] {
  return [Number(align52(cell)), Number(align52({ bits: cell.bits + 1n, step: cell.step }))];
}
