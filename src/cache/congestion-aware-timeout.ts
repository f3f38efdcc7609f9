/**
 * How far past its time a timer may fire before it shows this isolate's own queueing: a busy
 * event loop delivers timers (and answers) late, while Upstash may have answered on time.
 */
export const lateBy = (budgetMs: number) => Math.max(50, budgetMs / 4);

/** Budgets a congested isolate waits in all before giving up anyway: a hung call must still end. */
const MAX_BUDGETS = 8;

/**
 * An AbortSignal that fires `budgetMs` after it is made, unless its timer itself fires late.
 * A late timer means the isolate was too busy to look: Upstash's answer may already be waiting
 * in its queue, and aborting would throw that round trip away and send the caller to the
 * database, adding work exactly when the isolate has none to spare. So a late timer grants
 * another budget, up to MAX_BUDGETS in all; a timer that fires on time aborts.
 */
export function congestionAwareTimeout(budgetMs: number): AbortSignal {
  const controller = new AbortController();
  const giveUpAt = Date.now() + budgetMs * MAX_BUDGETS;
  const arm = (dueAt: number) => {
    setTimeout(() => {
      const now = Date.now();
      if (now - dueAt > lateBy(budgetMs) && now + budgetMs <= giveUpAt) arm(now + budgetMs);
      else controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, Math.max(0, dueAt - Date.now()));
  };
  arm(Date.now() + budgetMs);
  return controller.signal;
}
