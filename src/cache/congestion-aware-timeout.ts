/**
 * How far past its time a timer may fire before it shows this isolate's own queueing: a busy
 * event loop delivers timers (and answers) late, while Upstash may have answered on time.
 */
export const lateBy = (budgetMs: number) => Math.max(50, budgetMs / 4);

/** Budgets a congested isolate waits in all before giving up anyway: a hung call must still end. */
const MAX_BUDGETS = 8;

/**
 * The message of a timeout that fired on time after a budget in which Upstash answered nothing.
 * A message, not the object: a rejection that crosses the runtime's I/O layer may arrive as a
 * new DOMException with the same name and message.
 */
const SILENT_TIMEOUT = 'The operation was aborted due to timeout: no answer within the budget';

/** Whether `error` is a timeout after a budget in which Upstash answered nothing: an outage, not load. */
export function wentSilent(error: unknown): boolean {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return name === 'TimeoutError' && message === SILENT_TIMEOUT;
}

/**
 * An AbortSignal that fires `budgetMs` after it is made, unless the wait looks like queueing.
 * A late timer means this isolate was too busy to look: Upstash's answer may already be waiting
 * in its queue. Answers to other calls within the last budget mean the dependency is alive and
 * this call is queued behind them (on the way, at Upstash, or here). Aborting either would throw
 * the round trip away and send the caller to the database, adding work exactly when there is
 * none to spare; so each grants another budget, up to MAX_BUDGETS in all. A timer that fires on
 * time after a budget with no answer at all aborts: that is an outage, not load.
 */
export function congestionAwareTimeout(budgetMs: number, answeredSince: (since: number) => boolean = () => false): AbortSignal {
  const controller = new AbortController();
  const giveUpAt = Date.now() + budgetMs * MAX_BUDGETS;
  const arm = (dueAt: number) => {
    setTimeout(() => {
      const now = Date.now();
      const queued = now - dueAt > lateBy(budgetMs) || answeredSince(dueAt - budgetMs);
      if (queued && now + budgetMs <= giveUpAt) return arm(now + budgetMs);
      controller.abort(new DOMException(queued ? 'The operation was aborted due to timeout' : SILENT_TIMEOUT, 'TimeoutError'));
    }, Math.max(0, dueAt - Date.now()));
  };
  arm(Date.now() + budgetMs);
  return controller.signal;
}
