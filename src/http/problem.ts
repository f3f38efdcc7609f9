import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem details object. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The invalid fields, on validation errors (./validation-hook). */
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Answers with `application/problem+json`; `type` defaults to `about:blank` as RFC 9457 §4.2 allows. */
export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  fields: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = { type: 'about:blank', title, status, instance: new URL(c.req.url).pathname, ...fields };
  return c.body(JSON.stringify(body), status, { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE });
}
