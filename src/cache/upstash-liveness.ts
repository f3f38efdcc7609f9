// When this isolate last heard back from Upstash. A plain number shared by the isolate's
// requests: it tells a call that is merely queued (others keep getting answers) from one to a
// dependency that has gone quiet.

let lastAnswerAt = Number.NEGATIVE_INFINITY;

/** Records that an Upstash call just completed. */
export function noteUpstashAnswer(at: number = Date.now()): void {
  if (at > lastAnswerAt) lastAnswerAt = at;
}

/** Whether any Upstash call completed at or after `since` (ms since the epoch). */
export function upstashAnsweredSince(since: number): boolean {
  return lastAnswerAt >= since;
}
