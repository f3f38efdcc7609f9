import { OpenAPIHono } from '@hono/zod-openapi';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { type EdgeCache, withCacheSession } from './cache';
import type { AppEnv } from './env';
import { handleError, handleNotFound } from './http/error-handler';
import { problemResponse } from './http/problem';
import { securityHeaders } from './http/security-headers';
import { validationHook } from './http/validation-hook';
import { compression } from './middleware/compression';
import { corsFromAllowlist } from './middleware/cors-allowlist';
import { rateLimit } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { requestMetrics } from './monitoring/request-metrics';
import type { ClientRateLimiter } from './rate-limit/client-rate-limiter';
import { catalogSummaryRoute } from './routes/catalog-summary';
import { docsPage } from './routes/docs-page';
import { healthRoute } from './routes/health';
import { productsRoute } from './routes/products';

export interface AppOptions {
  /** The edge cache's per-isolate state; by default one per isolate, made from the env. */
  cache?: EdgeCache;
  /** The per-client rate limiter's per-isolate state; by default one per isolate, made from the env. */
  rateLimiter?: ClientRateLimiter;
}

/** The whole API as one Hono app: the Worker and the Pages adapter both serve it. */
export function createApp(options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(requestLog());
  app.use(compression());
  // Inside compression: the data point records the body before any encoding, as the CDN receives it.
  app.use(requestMetrics());
  app.use(securityHeaders());
  app.use('/api/*', corsFromAllowlist());
  // After CORS, so a browser can read a 429; before any work a refused request would cost.
  app.use('/api/*', rateLimit(options.rateLimiter));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(
          c,
          405,
          'Method Not Allowed',
          { detail: `${c.req.method} is not allowed here; use ${methods.join(', ')}.` },
          { Allow: methods.join(', ') },
        ),
    }),
  );
  // Background revalidation replays a request through the whole app.
  app.use(
    '/api/*',
    withCacheSession(options.cache, async (request, c) => app.fetch(request, c.env, c.executionCtx)),
  );

  app.route('/', healthRoute);
  app.route('/api/products', productsRoute);
  app.route('/api', catalogSummaryRoute);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'edge-api',
      version: '0.1.0',
      description: 'Product catalog API on Cloudflare Workers, Neon and Upstash.',
    },
  });
  app.get('/docs', docsPage);

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
