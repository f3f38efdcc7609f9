import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { STATS } from './cache-tags';

/**
 * After a write has invalidated them, recomputes the hot entries it touched, in the background:
 * the product's own page and the catalog stats. Their next readers, often many at once right
 * after a write, then find them cached instead of all waiting on one recomputation, and the
 * database does the same work it would have done for the first reader. List pages are left to
 * their readers: a write drops many of them, and most are cold.
 */
export function refreshAfterWrite(c: Context<AppEnv>, productId: number | undefined, invalidatedTags: readonly string[]): void {
  const paths = [...(productId === undefined ? [] : [`/api/products/${productId}`]), ...(invalidatedTags.includes(STATS) ? ['/api/stats'] : [])];
  for (const path of paths) {
    const request = new Request(new URL(path, c.req.url), { headers: { 'Cache-Control': 'no-cache' } });
    // The answer is stored by the cache layer; its body is not needed here.
    c.executionCtx.waitUntil(c.var.dispatch(request).then((response) => response.body?.cancel(), () => {}));
  }
}
