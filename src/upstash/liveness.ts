// When this isolate last heard back from Upstash. A plain number shared by the isolate's
// requests: it tells a call that is merely queued (others keep getting answers) from one to a
// dependency that has gone quiet.

let lastAnswerAt = Number.NEGATIVE_INFINITY;

/** Records that an Upstash call just completed. */
export function noteUpstashAnswer(): void {
  lastAnswerAt = Date.now();
}

/**
 * Whether an Upstash call completed at or after `since` (ms since the epoch). An answer noted
 * "later than now" (the clock was set back) proves nothing and is not counted.
 */
export function upstashAnsweredSince(since: number): boolean {
  return lastAnswerAt >= since && lastAnswerAt <= Date.now();
}
