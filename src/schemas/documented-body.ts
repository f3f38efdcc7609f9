/**
 * Response schemas only document the API: no answer is validated against them, and only
 * `/openapi.json` reads them. Built at module load they cost about a third of isolate startup
 * (zod constructs, and `.openapi()` clones, every field), so each is built the first time the
 * document is generated, then kept.
 */

/** `build`'s result, computed by the first call and returned by every later one. */
export function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/** A route response's `content`, whose schema is built when the OpenAPI generator first reads it. */
export function documentedBody<M extends string, T>(mediaType: M, build: () => T): Record<M, { schema: T }> {
  const schema = onFirstUse(build);
  return {
    [mediaType]: {
      get schema() {
        return schema();
      },
    },
  } as Record<M, { schema: T }>;
}
