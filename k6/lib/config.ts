// Settings from the environment (`k6 run -e BASE_URL=… -e API_TOKEN=…`), with local defaults.
import { writesAllowed } from './write-policy.ts';

/** The API under test: `npm run serve` (or `npm run dev`) by default, or a preview URL. */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
/** Whether writes may go to BASE_URL: the local stack, or `-e ALLOW_WRITES=1` (write-policy.ts). */
export const WRITES_ALLOWED = writesAllowed(BASE_URL, __ENV.ALLOW_WRITES);
/** Bearer token for the write share of the traffic; without it (or WRITES_ALLOWED) the model sends no writes. */
export const API_TOKEN = WRITES_ALLOWED ? __ENV.API_TOKEN || '' : '';
/** Products in the seeded catalog (`npm run db:seed -- --products N`). */
export const PRODUCT_COUNT = Number(__ENV.PRODUCT_COUNT || 10000);
/** Target request rate (per second) of the average-load shape; the other shapes scale from it. */
export const TARGET_RATE = Number(__ENV.RATE || 200);
/** Where handleSummary writes its JSON (git-ignored). */
export const RESULTS_DIR = __ENV.RESULTS_DIR || 'k6/results';
/** Names this run's files; `npm run k6` sets it so the JSON summary sits beside the HTML report. */
export const RUN_STAMP = __ENV.RUN_STAMP || new Date().toISOString().replace(/[:.]/g, '-');
/**
 * The local stack's Neon and Upstash endpoints, whose `/_stack/fault` routes k6/faults.ts switches:
 * the stack's default ports, or NEON_LOCAL_ENDPOINT and UPSTASH_REDIS_REST_URL from `.dev.vars`
 * (`npm run k6 -- faults` passes those).
 */
export const NEON_ENDPOINT = (__ENV.NEON_ENDPOINT || 'http://127.0.0.1:4444').replace(/\/$/, '');
export const UPSTASH_ENDPOINT = (__ENV.UPSTASH_ENDPOINT || 'http://127.0.0.1:8079').replace(/\/$/, '');
