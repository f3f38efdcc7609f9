import { bodyLimit } from 'hono/body-limit';
import { problemResponse } from '../http/problem';

/** Largest request body accepted (413 above it). */
export const MAX_BODY_BYTES = 64 * 1024;

/** On the routes that take a body only, so reads do not pay for it. */
export const writeBodyLimit = () =>
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      problemResponse(c, 413, 'Content Too Large', { detail: `The body exceeds ${MAX_BODY_BYTES} bytes.` }),
  });
