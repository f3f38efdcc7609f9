// Each VU stands for a client of its own, as real traffic comes from many. Locally the Worker
// counts budgets by this header (wrangler dev and npm run serve have no edge to set it); through
// Cloudflare the edge replaces it with the machine's address, so there every VU of one machine
// shares one client's budgets.
import exec from 'k6/execution';

let header: Record<string, string> | undefined;

/** `CF-Connecting-IP: 10.x.y.z`, from the VU's number (made once per VU: k6 runs each VU's module apart). */
export function clientAddressHeader(): Record<string, string> {
  if (header) return header;
  const id = exec.vu.idInTest;
  header = { 'CF-Connecting-IP': `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}` };
  return header;
}
