/** A resource the request names does not exist; the error handler answers 404 problem+json. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
