/** A duration as a typed string: `'500ms'`, `'60s'`, `'5m'`, `'1h'`, `'1d'` (a space before the unit is allowed). */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` | `${number} ${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const parsed = new Map<string, number>();

/** Milliseconds in a Duration; throws on anything else, so bad configuration fails at creation. */
export function toMilliseconds(duration: Duration | string): number {
  const known = parsed.get(duration);
  if (known !== undefined) return known;
  const milliseconds = parse(duration);
  // Call sites pass a handful of literal durations: remembering them keeps parsing off the hot path.
  if (parsed.size < 256) parsed.set(duration, milliseconds);
  return milliseconds;
}

function parse(duration: string): number {
  const match = /^(\d+(?:\.\d+)?) ?(ms|s|m|h|d)$/.exec(duration.trim());
  if (!match)
    throw new TypeError(`Invalid duration "${duration}": use a number and a unit, e.g. '60s', '500ms', '5m'.`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
