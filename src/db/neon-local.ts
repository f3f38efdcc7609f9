import { neonConfig } from '@neondatabase/serverless';

let configuredFor: string | undefined;

/**
 * Points the Neon driver at the local Neon-compatible endpoint when `NEON_LOCAL_ENDPOINT`
 * is set (`npm run dev`, tests). In production the variable is empty and the driver's
 * defaults (Neon's own HTTP and WebSocket proxies) stay untouched.
 */
export function useLocalNeonEndpoint(endpoint: string | undefined): void {
  if (!endpoint || configuredFor === endpoint) return;
  const base = new URL(endpoint);
  neonConfig.fetchEndpoint = () => `${base.origin}/sql`;
  neonConfig.wsProxy = (host, port) => `${base.host}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = base.protocol === 'https:';
  configuredFor = endpoint;
}
