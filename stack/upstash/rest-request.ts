// Reading the JSON bodies of the REST API: one command, or a list of them.
import type { IncomingMessage } from 'node:http';

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

export async function readJsonBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, error: 'ERR the request body is not valid JSON' };
  }
}

const isArgument = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

/** `["SET", "k", "v", "EX", 60]` → `['SET', 'k', 'v', 'EX', '60']`: Redis sees every argument as text. */
export function toCommand(value: unknown): string[] | null {
  return Array.isArray(value) && value.length > 0 && value.every(isArgument) ? value.map(String) : null;
}

/** The body of `/pipeline` and `/multi-exec`: a non-empty array of commands. */
export function toCommandList(value: unknown): string[][] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const commands = value.map(toCommand);
  return commands.every((command) => command !== null) ? commands : null;
}

export const INVALID_COMMAND = 'ERR a command must be a non-empty JSON array of strings, numbers or booleans';
export const INVALID_COMMAND_LIST = 'ERR the body must be a non-empty JSON array of commands';
