import type { StackInfo } from '../stack/contracts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The local stack started by test/global-setup.ts. */
    stack: StackInfo;
  }
}
