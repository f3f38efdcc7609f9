import type { StackInfo } from '../stack/stack-info';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The local stack started by test/global-setup.ts. */
    stack: StackInfo;
    /** CACHE_NAMESPACE of the Worker under test; its keys are deleted after the run. */
    cacheNamespace: string;
  }
}
