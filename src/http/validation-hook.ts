import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { problemResponse } from './problem';

/** Failed request validation → 400 problem+json listing each invalid field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const errors = result.error.issues.map((issue) => ({
    path: [result.target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return problemResponse(c, 400, 'Bad Request', { detail: 'The request is invalid.', errors });
};
