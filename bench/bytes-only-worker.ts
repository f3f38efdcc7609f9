// The floor a response's own bytes set: a Worker that answers each captured path with the exact
// status, headers and body the bundle sent for it, prebuilt, and does nothing else. In workerd a
// response's headers cost CPU to copy and to write out (a one-line Worker answering with a
// product hit's 22 headers costs ~1.5× one answering `ok`), so this row tells what the app's own
// code adds from what its answer's size alone costs.

/** One answer as the bundle sent it. */
export interface CapturedAnswer {
  /** Path and query string, as requested. */
  path: string;
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** Reads an answer off a response (consumes its body). */
export async function captureAnswer(path: string, response: Response): Promise<CapturedAnswer> {
  return { path, status: response.status, headers: [...response.headers], body: await response.text() };
}

/**
 * The module source of a Worker that replays `answers` by path and query string. Each answer's
 * Headers object is made once, on its first request; a Response built on one copies it, as the
 * bundle's cache hits do with theirs.
 */
export function bytesOnlyWorkerSource(answers: readonly CapturedAnswer[]): string {
  const table = Object.fromEntries(answers.map(({ path, status, headers, body }) => [path, { status, headers, body }]));
  return `const ANSWERS = ${JSON.stringify(table)};
const built = new Map();
export default {
  fetch(request) {
    const url = request.url;
    const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
    let answer = built.get(path);
    if (!answer) {
      const captured = ANSWERS[path];
      if (!captured) return new Response('not captured', { status: 404 });
      answer = { status: captured.status, headers: new Headers(captured.headers), body: captured.body };
      built.set(path, answer);
    }
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  },
};
`;
}
