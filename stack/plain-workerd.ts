// Copies of the built bundle served by workerd itself: one process per copy, each its own isolate
// on its own thread, as `npm run serve` runs them. No dev proxy and no interceptor in front of
// outbound fetches (Miniflare adds one, which more than doubled the Worker's CPU per request with
// the k6 mix): what production runs, and nothing more.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from './dev-vars';
import type { InspectorAddress, IsolatesOptions } from './isolates';
import { StackError } from './stack-error';
import { workerdConfig } from './workerd-config';

/** The workerd that wrangler itself deploys against, not whichever copy npm hoisted. */
function wranglersWorkerd(): string {
  const fromWrangler = createRequire(import.meta.resolve('wrangler'));
  return path.join(path.dirname(fromWrangler.resolve('workerd/package.json')), 'bin', 'workerd');
}

export interface WorkerdCopyOptions
  extends Omit<IsolatesOptions, 'isolates' | 'port' | 'host' | 'inspector' | 'onCrash'> {
  /** A private folder of this set of copies (the config holds the secrets); its own per set, so two sets never share a file. */
  configDir: string;
  /** Which copy: names its config file. */
  index: number;
  /** Headers workerd adds to every response (e.g. `X-Isolate`). @default none */
  responseHeaders?: Record<string, string>;
}

/** Writes the workerd config of one copy, listening on the socket handed to it as descriptor 3; returns its path. */
export async function writeCopyConfig(options: WorkerdCopyOptions): Promise<string> {
  const configFile = path.join(options.configDir, `workerd-${options.index}.capnp`);
  await writeFile(
    configFile,
    workerdConfig({
      modulePath: path.relative(path.dirname(configFile), options.bundlePath),
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
      bindings: { ...options.bindings },
      responseHeaders: options.responseHeaders,
    }),
    { mode: 0o600 },
  );
  return configFile;
}

export interface WorkerdCopy {
  /** Settles once the process has started (or failed to). */
  started: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts workerd on `configFile`, serving the listening socket `socketFd` of this process (the
 * child gets its own descriptor for it at once: the caller may close its copy as soon as this
 * returns). `onCrash` is called if it exits unasked.
 */
export function spawnWorkerdCopy(
  configFile: string,
  socketFd: number,
  inspector?: InspectorAddress,
  onCrash?: () => void,
): WorkerdCopy {
  const inspectorArgs = inspector ? ['--inspector-addr', `${inspector.host}:${inspector.port}`] : [];
  const workerd = spawn(wranglersWorkerd(), ['serve', configFile, '--socket-fd', 'http=3', ...inspectorArgs], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit', socketFd],
  });
  let stopping = false;
  const started = new Promise<void>((resolve, reject) => {
    workerd.once('spawn', resolve);
    workerd.once('error', (error) =>
      reject(new StackError(`Could not start workerd (${error.message}): run npm install.`, { cause: error })),
    );
  });
  workerd.once('exit', () => {
    if (!stopping) onCrash?.();
  });
  return {
    started,
    async stop() {
      stopping = true;
      if (workerd.exitCode !== null || workerd.signalCode !== null) return;
      const exited = new Promise((resolve) => workerd.once('exit', resolve));
      workerd.kill('SIGTERM');
      await exited;
    },
  };
}
