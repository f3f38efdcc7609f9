import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where wrangler looks for local secrets by default. */
export const DEFAULT_DEV_VARS_FILE = path.join(PROJECT_ROOT, '.dev.vars');
/**
 * The local settings file the stack writes and the scripts read: `.dev.vars`, or `DEV_VARS_FILE`
 * (a second stack beside yours, e.g. the test of `npm run dev`, must not rewrite yours).
 */
export const DEV_VARS_FILE = process.env.DEV_VARS_FILE
  ? path.resolve(process.env.DEV_VARS_FILE)
  : DEFAULT_DEV_VARS_FILE;

/** Parses a `.dev.vars` file (dotenv syntax: `KEY=value`, optional quotes, `#` comments). */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key, raw = ''] = match;
    vars[key!] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return vars;
}

export function readDevVars(file: string): Record<string, string> {
  return existsSync(file) ? parseDevVars(readFileSync(file, 'utf8')) : {};
}

/** Writes the settings the Worker reads in local development (wrangler loads `.dev.vars`). */
export async function writeDevVars(file: string, vars: Record<string, string>): Promise<void> {
  const lines = Object.entries(vars).map(([key, value]) => `${key}="${value}"`);
  await writeFile(
    file,
    `# Written by the local stack (npm run stack / npm run dev). Local secrets only: git-ignored.\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
}
