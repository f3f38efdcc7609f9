// One copy of the built bundle served by workerd itself, as `npm run serve` does by default.
// Miniflare (isolates.ts, for N copies) puts an interceptor Worker in front of every outbound
// fetch; measured with the k6 mix it more than doubled the Worker's CPU per request, so the
// default single isolate runs on a plain workerd config: what production runs, and nothing more.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StackError } from './contracts';
import type { IsolatesOptions, RunningIsolates } from './isolates';
import { PROJECT_ROOT } from './dev-vars';
import { workerdConfig } from './workerd-config';

/** The workerd that wrangler itself deploys against, not whichever copy npm hoisted. */
function wranglersWorkerd(): string {
  const fromWrangler = createRequire(import.meta.resolve('wrangler'));
  return path.join(path.dirname(fromWrangler.resolve('workerd/package.json')), 'bin', 'workerd');
}

/** Starts workerd on `host:port` with the bundle; `onCrash` is called if it exits unasked. */
export async function startPlainWorkerd(options: Omit<IsolatesOptions, 'isolates'>): Promise<RunningIsolates> {
  const host = options.host ?? '127.0.0.1';
  const configFile = path.join(PROJECT_ROOT, '.local', 'workerd.capnp');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, workerdConfig({
    modulePath: path.relative(path.dirname(configFile), options.bundlePath),
    compatibilityDate: options.compatibilityDate,
    compatibilityFlags: options.compatibilityFlags,
    bindings: { ...options.bindings },
    address: `${host}:${options.port}`,
  }), { mode: 0o600 });

  const { inspector } = options;
  const inspectorArgs = inspector ? ['--inspector-addr', `${inspector.host}:${inspector.port}`] : [];
  const workerd = spawn(wranglersWorkerd(), ['serve', configFile, ...inspectorArgs], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  let stopping = false;
  await new Promise<void>((resolve, reject) => {
    workerd.once('spawn', resolve);
    workerd.once('error', (error) => reject(new StackError(`Could not start workerd (${error.message}): run npm install.`, { cause: error })));
  });
  workerd.once('exit', () => {
    if (!stopping) options.onCrash?.();
  });
  return {
    url: `http://${host}:${options.port}`,
    async stop() {
      stopping = true;
      if (workerd.exitCode !== null || workerd.signalCode !== null) return;
      const exited = new Promise((resolve) => workerd.once('exit', resolve));
      workerd.kill('SIGTERM');
      await exited;
    },
  };
}
