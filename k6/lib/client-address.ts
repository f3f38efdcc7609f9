// Real traffic comes from many clients. Locally the Worker counts budgets by this header (wrangler
// dev and npm run serve have no edge to set it), so each VU speaks for 64 visitors in turn, one per
// iteration: a VU with no think time (the smoke's two run flat out) would otherwise be one robot
// far over a visitor's write budget. Through Cloudflare the edge replaces the header, and every
// VU of one machine shares one client's budgets.
import exec from 'k6/execution';

const VISITORS_PER_VU = 64;

let current: { iteration: number; header: Record<string, string> } | undefined;

/** `CF-Connecting-IP: 10.x.y.z` for this VU's visitor of the moment (made once per iteration). */
export function clientAddressHeader(): Record<string, string> {
  const iteration = exec.vu.iterationInInstance;
  if (current?.iteration === iteration) return current.header;
  const visitor = exec.vu.idInTest * VISITORS_PER_VU + (iteration % VISITORS_PER_VU);
  current = {
    iteration,
    header: { 'CF-Connecting-IP': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}` },
  };
  return current.header;
}
