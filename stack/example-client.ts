// `npm run stack:example`: a plain Node script using the real Neon and Upstash clients with the
// settings the running stack wrote to `.dev.vars` (start it first: npm run stack).
import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import { Redis } from '@upstash/redis';
import WebSocket from 'ws';
import { DEV_VARS_FILE, readDevVars } from './dev-vars';

const vars = readDevVars(DEV_VARS_FILE);
if (!vars.DATABASE_URL || !vars.NEON_LOCAL_ENDPOINT) {
  console.error('No .dev.vars: start the local stack first (npm run stack).');
  process.exit(1);
}

// The same settings the Worker applies when NEON_LOCAL_ENDPOINT is set (src/db/neon-local.ts).
const endpoint = new URL(vars.NEON_LOCAL_ENDPOINT);
neonConfig.fetchEndpoint = () => `${endpoint.origin}/sql`;
neonConfig.wsProxy = (host, port) => `${endpoint.host}/v2?address=${host}:${port}`;
neonConfig.useSecureWebSocket = false;
neonConfig.webSocketConstructor = WebSocket;

const sql = neon(vars.DATABASE_URL);
const [overHttp] = await sql`select count(*)::int as products from products`;
console.log('Neon over HTTP:', overHttp);

const pool = new Pool({ connectionString: vars.DATABASE_URL });
const client = await pool.connect();
try {
  await client.query('BEGIN');
  const { rows } = await client.query('select slug, name from categories order by slug limit 3');
  await client.query('COMMIT');
  console.log('Neon over WebSocket (in a transaction):', rows);
} finally {
  client.release();
  await pool.end();
}

const redis = new Redis({ url: vars.UPSTASH_REDIS_REST_URL!, token: vars.UPSTASH_REDIS_REST_TOKEN! });
await redis.set('example:greeting', { hello: 'world' }, { ex: 60 });
console.log('Upstash:', await redis.get('example:greeting'), 'ttl', await redis.ttl('example:greeting'));
