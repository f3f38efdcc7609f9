import type { CacheVariables } from './cache';

/** Hono's generics for this app: the Worker's bindings and the per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: CacheVariables & {
    requestId: string;
  };
}
