import { toMilliseconds } from '../timing';

/** The three kinds of request a client is budgeted for, each counted apart. */
export type BudgetName = 'reads' | 'writes' | 'forced';

/** At most `tokens` requests per `windowMs` per client. */
export interface Budget {
  name: BudgetName;
  tokens: number;
  windowMs: number;
}

/**
 * A budget from a var: `"<requests> per <duration>"` (e.g. `"600 per 10s"`), or `"off"` for
 * none. Throws on anything else, naming the var, so a typo is reported rather than guessed at.
 */
export function parseBudget(name: BudgetName, text: string): Budget | undefined {
  const trimmed = text.trim();
  if (trimmed === 'off') return undefined;
  const match = /^(\d+) per (.+)$/.exec(trimmed);
  const tokens = match ? Number(match[1]) : Number.NaN;
  let windowMs = Number.NaN;
  try {
    if (match) windowMs = toMilliseconds(match[2]!);
  } catch {
    // Reported below with the whole value.
  }
  if (!(tokens > 0 && Number.isSafeInteger(tokens) && windowMs >= 1000 && windowMs % 1000 === 0)) {
    throw new TypeError(
      `"${text}" is not a budget: use "<requests> per <duration>" (a window of whole seconds), e.g. "600 per 10s", or "off".`,
    );
  }
  return { name, tokens, windowMs };
}
