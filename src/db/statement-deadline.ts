// A deadline on every statement sent over Neon's HTTP API: without one, a database that stops
// answering holds each request that queries it for as long as the client waits.
import { type HTTPQueryOptions, type NeonQueryFunction, SqlTemplate } from '@neondatabase/serverless';
import { queueAwareDeadline } from '../timing';

/** Longest one statement (or one `transaction()`) may take, unless `DATABASE_TIMEOUT_MS` says otherwise. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 1500;

type Sql = NeonQueryFunction<false, false>;

/**
 * `sql` with each call's fetch aborted after `timeoutMs`, unless this isolate was too busy to send
 * the statement or read its answer: then the deadline moves on (`queueAwareDeadline`, which checks
 * the isolate's queue four times a budget; never past 8 budgets). A plain timeout, and one timer
 * that only moved on when it fired a quarter of the budget late, turned statements a healthy
 * database answered in ms into 503s under a k6 overload. The signal is made by the call, so it
 * belongs to the request that makes it: the wrapper holds only the number and can be shared by
 * the isolate's requests. An aborted fetch rejects (the driver's "Error connecting to database"),
 * which `toDatabaseError` classifies as unavailable: a 503 with `Retry-After`.
 *
 * A statement over HTTP is its own transaction, and `transaction()` sends its statements as one
 * request that the server runs between BEGIN and COMMIT: an abort never leaves half of either.
 * It cannot say whether the server committed before the answer was lost, though: a write that
 * times out may have been applied (docs/failure-behaviour.md).
 */
export function withStatementDeadline(sql: Sql, timeoutMs: number): Sql {
  const bounded = <T extends HTTPQueryOptions<boolean, boolean>>(options: T) => ({
    ...options,
    fetchOptions: { ...options.fetchOptions, signal: queueAwareDeadline(timeoutMs) },
  });
  const template = (strings: TemplateStringsArray, ...params: unknown[]) => {
    const { query, params: values } = new SqlTemplate(strings, params).toParameterizedQuery();
    return sql.query(query, values, bounded({ arrayMode: false, fullResults: false }));
  };
  const query: Sql['query'] = (text, params, options) => sql.query(text, params, bounded(options ?? {}));
  const transaction: Sql['transaction'] = (queries, options) => sql.transaction(queries, bounded(options ?? {}));
  return Object.assign(template, { query, unsafe: sql.unsafe, transaction });
}

/** `DATABASE_TIMEOUT_MS` as a positive number of ms; a bad value is reported and the default used. */
export function databaseTimeoutFrom(
  text: string | undefined,
  report: (message: string) => void = console.error,
): number {
  if (!text) return DEFAULT_DATABASE_TIMEOUT_MS;
  const timeoutMs = Number(text);
  if (Number.isFinite(timeoutMs) && timeoutMs > 0) return timeoutMs;
  report(`DATABASE_TIMEOUT_MS="${text}" is not a positive number of ms; using ${DEFAULT_DATABASE_TIMEOUT_MS}.`);
  return DEFAULT_DATABASE_TIMEOUT_MS;
}
