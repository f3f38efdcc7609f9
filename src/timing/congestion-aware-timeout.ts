/**
 * How far past its time a timer may fire before it shows this isolate's own queueing: a busy
 * event loop delivers timers (and answers) late, while Upstash may have answered on time.
 */
export const lateBy = (budgetMs: number) => Math.max(50, budgetMs / 4);

/** Budgets a congested isolate waits in all before giving up anyway: a hung call must still end. */
const MAX_BUDGETS = 8;

/**
 * How long a call waits in all while this isolate stays behind with its own queue (its timers
 * fire late), when that is longer than MAX_BUDGETS budgets. Its answer may be waiting in that
 * queue, and giving up sends the request to the database through the same queue: under k6 load
 * at RATE=1000 on one slow isolate (requests waited ~11 s at p95), Upstash reads that gave up
 * after 8 budgets (4 s) made 4,444 BYPASS requests, the cache stepping aside exactly when load
 * was highest. Still bounded, as statements are (8 × 1.5 s): a hung call must end.
 */
const MAX_OVERLOADED_WAIT_MS = 12_000;

/**
 * The message of a timeout that fired on time after a budget in which Upstash answered nothing.
 * A message, not the object: a rejection that crosses the runtime's I/O layer may arrive as a
 * new DOMException with the same name and message.
 */
const SILENT_TIMEOUT = 'The operation was aborted due to timeout: no answer within the budget';

/** Whether `error` is a timeout after a budget in which Upstash answered nothing: an outage, not load. */
export function wentSilent(error: unknown): boolean {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
  };
  return name === 'TimeoutError' && message === SILENT_TIMEOUT;
}

/**
 * An AbortSignal that fires `budgetMs` after it is made, unless the wait looks like queueing.
 * A late timer means this isolate was too busy to look: Upstash's answer may already be waiting
 * in its queue. Answers to other calls within the last budget mean the dependency is alive and
 * this call is queued behind them (on the way, at Upstash, or here). Aborting either would throw
 * the round trip away and send the caller to the database, adding work exactly when there is
 * none to spare; so each grants another budget, up to MAX_BUDGETS in all (up to
 * MAX_OVERLOADED_WAIT_MS while the timers keep firing late). A timer that fires on time after a
 * budget with no answer at all aborts: that is an outage, not load.
 */
export function congestionAwareTimeout(
  budgetMs: number,
  answeredSince: (since: number) => boolean = () => false,
): AbortSignal {
  const controller = new AbortController();
  const startedAt = Date.now();
  const giveUpAt = startedAt + budgetMs * MAX_BUDGETS;
  const overloadedGiveUpAt = startedAt + Math.max(budgetMs * MAX_BUDGETS, MAX_OVERLOADED_WAIT_MS);
  const arm = (dueAt: number) => {
    setTimeout(
      () => {
        const now = Date.now();
        const late = now - dueAt > lateBy(budgetMs);
        const queued = late || answeredSince(dueAt - budgetMs);
        if (queued && now + budgetMs <= (late ? overloadedGiveUpAt : giveUpAt)) return arm(now + budgetMs);
        controller.abort(
          new DOMException(queued ? 'The operation was aborted due to timeout' : SILENT_TIMEOUT, 'TimeoutError'),
        );
      },
      Math.max(0, dueAt - Date.now()),
    );
  };
  arm(Date.now() + budgetMs);
  return controller.signal;
}

/** Checks of the isolate's queue per budget of `queueAwareDeadline`. */
const CHECKS_PER_BUDGET = 4;
/** A check this late found the isolate behind with its queue; on an idle one they fire within ms. */
const LATE_CHECK_MS = 50;

/**
 * An AbortSignal for a database statement: fires after `budgetMs`, unless most of that budget's
 * checks (a timer every quarter) fired late, then grants another budget, up to MAX_BUDGETS.
 *
 * One timer per budget, as `congestionAwareTimeout` sets, missed the overload it was meant to
 * spot: a timer passes once through the isolate's event queue, a fetch several times (the
 * request, the answer's head, its body). Under k6 at RATE=1000 on one isolate, timers fired
 * ~250 ms late (under that budget/4 threshold) while the local Neon endpoint, answering in ~40
 * ms, saw statements arrive ~0.6 s late and its answers were read ~1 s after it sent them: 503s
 * from a healthy database. Most of four checks, each late, means a persistently busy isolate;
 * one late timer (a GC pause, a neighbour on the machine) does not lift the bound of a hung or
 * slow database. Answers to other statements are not counted as progress: a database answering
 * every statement late (pg-slow) is the fault this bounds.
 */
export function queueAwareDeadline(budgetMs: number): AbortSignal {
  const controller = new AbortController();
  const stepMs = budgetMs / CHECKS_PER_BUDGET;
  let budgetStart = Date.now();
  const giveUpAt = budgetStart + budgetMs * MAX_BUDGETS;
  let checks = 0;
  let lateChecks = 0;
  const arm = () => {
    // Due on the budget's own schedule: one stall is counted once, and does not lengthen the budget.
    const dueAt = budgetStart + (checks + 1) * stepMs;
    setTimeout(
      () => {
        const now = Date.now();
        if (now - dueAt >= LATE_CHECK_MS) lateChecks++;
        if (++checks < CHECKS_PER_BUDGET) return arm();
        const queued = lateChecks > CHECKS_PER_BUDGET / 2;
        checks = lateChecks = 0;
        budgetStart = now;
        if (queued && now + budgetMs <= giveUpAt) return arm();
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      },
      Math.max(0, dueAt - Date.now()),
    );
  };
  arm();
  return controller.signal;
}
