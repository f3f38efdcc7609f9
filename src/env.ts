import type { CacheSession } from './cache/cache-session';

/** Hono's generics for this app: the Worker's bindings and the per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The edge cache for this request (memory → Upstash), set by `withCacheSession`. */
    cache: CacheSession;
    /** Runs a request through the whole app (background revalidation replays requests). */
    dispatch: (request: Request) => Promise<Response>;
  };
}
