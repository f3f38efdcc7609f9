import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { InvalidCursorError } from '../catalog/page-cursor';
import { DatabaseQueryError, DatabaseUnavailableError } from '../db/errors';
import type { AppEnv } from '../env';
import { NotFoundError } from './not-found-error';
import { problemResponse } from './problem';

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Seconds a client should wait before retrying after the database was unavailable. */
const DATABASE_RETRY_AFTER_SECONDS = '5';

/** Constraint violations a client can cause, as the 4xx they deserve. */
function databaseProblem(c: Context<AppEnv>, error: DatabaseQueryError): Response | undefined {
  if (error.code === '23505') {
    return problemResponse(c, 409, 'Conflict', { detail: 'A product with this sku already exists.' });
  }
  // The category subquery found no row, so category_id was NULL.
  if (error.code === '23502' && error.column === 'category_id') {
    return problemResponse(c, 422, 'Unprocessable Content', {
      detail: 'Unknown category.',
      errors: [{ path: 'category', message: 'no category with this slug' }],
    });
  }
  if (error.code === '23514')
    return problemResponse(c, 422, 'Unprocessable Content', { detail: 'A value is out of its allowed range.' });
  // Class 22, data exception: a value the database cannot take (validation should have caught it first).
  if (error.code.startsWith('22'))
    return problemResponse(c, 400, 'Bad Request', { detail: 'A value in the request is not valid.' });
  return undefined;
}

/** Drizzle's messages end with the query parameters, which are user data: keep them out of logs. */
const withoutParams = (message: string) => message.replace(/\nparams:[\s\S]*$/, '');

function logFailure(c: Context<AppEnv>, error: unknown): void {
  const cause =
    error instanceof Error && error.cause instanceof Error
      ? withoutParams(`${error.cause.name}: ${error.cause.message}`)
      : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c, -1),
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      cause,
    }),
  );
}

/** The one error path: every failure leaves as problem+json; 5xx bodies say nothing internal. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HTTPException) {
    const status = error.status;
    const response = error.res;
    const title = STATUS_TITLES[status] ?? 'Error';
    return problemResponse(
      c,
      status as 400,
      title,
      { detail: error.message || undefined },
      response?.headers.get('WWW-Authenticate')
        ? { 'WWW-Authenticate': response.headers.get('WWW-Authenticate')! }
        : {},
    );
  }
  if (error instanceof NotFoundError) return problemResponse(c, 404, 'Not Found', { detail: error.message });
  if (error instanceof InvalidCursorError) {
    return problemResponse(c, 400, 'Bad Request', {
      detail: error.message,
      errors: [{ path: 'cursor', message: error.message }],
    });
  }
  if (error instanceof DatabaseQueryError) {
    const problem = databaseProblem(c, error);
    if (problem) return problem;
  }
  logFailure(c, error);
  if (error instanceof DatabaseUnavailableError) {
    return problemResponse(
      c,
      503,
      'Service Unavailable',
      { detail: 'The database is unavailable. Try again shortly.' },
      { 'Retry-After': DATABASE_RETRY_AFTER_SECONDS },
    );
  }
  return problemResponse(c, 500, 'Internal Server Error', {
    detail: `Request ${c.get('requestId')} failed; the error is logged.`,
  });
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, 404, 'Not Found', { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` });
