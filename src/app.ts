import { Hono } from 'hono';
import type { AppEnv } from './env';
import { healthRoute } from './routes/health';

/** The whole API as one Hono app: the Worker and the Pages adapter both serve it. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.route('/', healthRoute);
  return app;
}
