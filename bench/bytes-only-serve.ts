// `node --import tsx bench/bytes-only-serve.ts <base URL> <port> <path>…`: captures each path's
// answer from a running server and serves those bytes from a Worker that does nothing else
// (bytes-only-worker.ts) on 127.0.0.1:<port> until stopped, so any load tool can measure the
// floor an answer's own size sets next to the server that gave it (BENCHMARKS.md, session 13).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startIsolates } from '../stack/isolates';
import { readBundleSettings } from '../stack/production-bundle';
import { bytesOnlyWorkerSource, captureAnswer } from './bytes-only-worker';

const [baseUrl, port, ...paths] = process.argv.slice(2);
if (!baseUrl || !/^\d+$/.test(port ?? '') || paths.length === 0) {
  console.error('usage: node --import tsx bench/bytes-only-serve.ts <base URL> <port> <path>…');
  process.exit(2);
}
const answers = await Promise.all(
  paths.map(async (answerPath) => captureAnswer(answerPath, await fetch(`${baseUrl}${answerPath}`))),
);
const dir = await mkdtemp(path.join(os.tmpdir(), 'edge-api-bytes-only-'));
const workerPath = path.join(dir, 'bytes-only.js');
await writeFile(workerPath, bytesOnlyWorkerSource(answers));
const settings = readBundleSettings();
const copy = await startIsolates({
  isolates: 1,
  compatibilityDate: settings.compatibilityDate,
  compatibilityFlags: settings.compatibilityFlags,
  port: Number(port),
  bundlePath: workerPath,
  bindings: {},
});
console.log(`Serving the bytes of ${paths.join(', ')} at ${copy.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(
    signal,
    () =>
      void copy
        .stop()
        .then(() => rm(dir, { recursive: true, force: true }))
        .finally(() => process.exit(0)),
  );
}
