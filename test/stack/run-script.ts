// Runs a script of the project as npm would (Node with tsx, node_modules/.bin on PATH), or an npm
// script itself, with only the environment given: nothing of the developer's (a real
// NEON_API_KEY, a wrangler login) reaches it. Asynchronous, so fake APIs in the test's process can
// answer it.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx <script> <args>`. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return runCommand(process.execPath, ['--import', 'tsx', script, ...args], env);
}

/** `npm run <name>`, pre and post scripts included. */
export function runNpmScript(name: string, env: Record<string, string>): Promise<ScriptRun> {
  return runCommand('npm', ['run', '--silent', name], env);
}

async function runCommand(command: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: `${path.join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/tmp',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { status, stdout, stderr };
}
