// Types only: brings `.openapi()`, which @hono/zod-openapi declares on zod's schemas, into every program using `z`.
import type {} from '@hono/zod-openapi';
import * as zodApi from './zod-api';

/**
 * `z` for this project's schemas: only the zod API listed in `./zod-api`.
 *
 * wrangler.toml aliases `zod` to this module. `@hono/zod-openapi` passes its `z` to
 * `extendZodWithOpenApi` (which needs only `z.ZodType`), and a namespace passed as a value cannot
 * be tree-shaken: with zod's own, the bundle kept all of it (64 locales, JSON Schema import, the
 * schema compiler: 350 KiB of 440 minified). Schemas import `z` from here, so using a member not
 * listed is a type error, not an `undefined` in the deployed Worker.
 */
export { zodApi as z };
