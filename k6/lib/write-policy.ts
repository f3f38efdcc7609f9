// Which APIs a load test may write to. Its writes change real rows, so they go only where the data
// is disposable: the local stack, or a URL declared so with `-e ALLOW_WRITES=1` (a preview with a
// database of its own). Anywhere else the token is ignored and the traffic is read-only.

const LOCAL_API = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/** Whether a load test may send writes to `baseUrl`; `allowWrites` is the ALLOW_WRITES variable. */
export function writesAllowed(baseUrl: string, allowWrites: string | undefined): boolean {
  return LOCAL_API.test(baseUrl) || allowWrites === '1';
}
