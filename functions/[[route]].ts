import { handle } from 'hono/cloudflare-pages';
import { createApp } from '../src/app';

// A catch-all Pages Function: `wrangler pages deploy` serves the same app as the Worker,
// with the Worker's bindings configured on the Pages project.
export const onRequest = handle(createApp());
