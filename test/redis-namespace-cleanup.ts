import { connectRespBackend } from '../stack/upstash/resp-client';

/** Deletes a test run's cache keys from a real Redis (the in-memory backend dies with the stack). */
export async function deleteNamespace(redisUrl: string, namespace: string): Promise<void> {
  const redis = await connectRespBackend(redisUrl);
  try {
    let cursor = '0';
    do {
      const [reply] = await redis.pipeline([['SCAN', cursor, 'MATCH', `${namespace}:*`, 'COUNT', '1000']]);
      const [next, keys] = reply as [Buffer, Buffer[]];
      cursor = next.toString();
      if (keys.length) await redis.pipeline([['UNLINK', ...keys.map(String)]]);
    } while (cursor !== '0');
  } finally {
    await redis.close();
  }
}
