// `npm run bench:profile -- --path /api/products/42`: a CPU profile of the Worker under load.
// Start the server with the inspector first: INSPECTOR=127.0.0.1:9229 npm run serve
// Prints the functions with the most self time, which is where a slow path hides.
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    path: { type: 'string', default: '/api/products/42' },
    inspector: { type: 'string', default: '127.0.0.1:9229' },
    duration: { type: 'string', default: '5' },
    top: { type: 'string', default: '25' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const targets = (await (await fetch(`http://${values.inspector}/json/list`)).json()) as Array<{
  webSocketDebuggerUrl: string;
}>;
const target = targets[0];
if (!target)
  throw new Error(
    `No inspector target at ${values.inspector}: start the server with INSPECTOR=${values.inspector} npm run serve`,
  );
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
let nextId = 1;
const pending = new Map<number, (result: unknown) => void>();
socket.on('message', (data) => {
  const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
  if (message.id !== undefined) pending.get(message.id)?.(message.result);
});
const send = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 100 });
await send('Profiler.start');
await autocannon({ url: `${values.url}${values.path}`, connections: 50, duration: Number(values.duration) });
const { profile } = (await send('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
socket.close();

const selfHits = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  total += hits;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
  selfHits.set(name, (selfHits.get(name) ?? 0) + hits);
}
console.log(`CPU profile of ${values.path}: ${total} samples`);
for (const [name, hits] of [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
}
