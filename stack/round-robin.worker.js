// The entry Worker of `npm run serve -- --isolates N` (N >= 2): hands each request, unchanged, to
// the next copy of the app (service bindings ISOLATE_0 … ISOLATE_<N-1>, each its own isolate) and
// returns that copy's response with one header added, `X-Isolate: <index>`, so tests and load
// tests can tell the isolates apart. Only local serving has it; production never sees it.

let next = 0;

export default {
  /**
   * @param {Request} request
   * @param {{ ISOLATE_COUNT: number } & Record<string, { fetch(request: Request): Promise<Response> }>} env
   */
  async fetch(request, env) {
    const index = next;
    next = (next + 1) % env.ISOLATE_COUNT;
    const response = await env[`ISOLATE_${index}`].fetch(request);
    // A fetched response's headers are immutable: copy it (the body streams through, not buffered).
    const tagged = new Response(response.body, response);
    tagged.headers.set('X-Isolate', String(index));
    return tagged;
  },
};
