// BITFIELD and BITFIELD_RO for the in-memory backend (bitops.c's bitfieldGeneric): every subcommand is parsed and
// checked before any runs; the integers themselves are bitfield.ts's.

import { grown, parseBitOffset, SYNTAX_ERROR } from './bit-arguments';
import { addToField, type FieldType, getField, type Overflow, setField } from './bitfield';
import type { MemoryCommand } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { parseLongLong } from './redis-integers';
import { readBytes, writeBytes } from './stored-bytes';

type FieldOperation = { type: FieldType; offset: number; overflow: Overflow } & (
  | { name: 'GET' }
  | { name: 'SET' | 'INCRBY'; value: bigint }
);

/** A field type: i1..i64 or u1..u63 (a u64 would not fit Redis's signed integer replies). */
function parseFieldType(text: string): FieldType {
  const signed = text.startsWith('i');
  const bits = /^[iu](0|-?[1-9][0-9]{0,18})$/.test(text) ? Number(text.slice(1)) : 0;
  if (bits < 1 || bits > (signed ? 64 : 63)) {
    throw new ReplyError(
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    );
  }
  return { signed, bits };
}

/** BITFIELD's subcommands, all parsed (and checked) before any runs. */
function parseFieldOperations(args: string[]): FieldOperation[] {
  const operations: FieldOperation[] = [];
  let overflow: Overflow = 'WRAP';
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.toUpperCase();
    const remaining = args.length - i - 1;
    if (name === 'OVERFLOW' && remaining >= 1) {
      const kind = args[++i]!.toUpperCase();
      if (kind !== 'WRAP' && kind !== 'SAT' && kind !== 'FAIL') {
        throw new ReplyError('ERR Invalid OVERFLOW type specified');
      }
      overflow = kind;
      continue;
    }
    if (!((name === 'GET' && remaining >= 2) || ((name === 'SET' || name === 'INCRBY') && remaining >= 3))) {
      throw new ReplyError(SYNTAX_ERROR);
    }
    const type = parseFieldType(args[i + 1]!);
    const offset = parseBitOffset(args[i + 2]!, type.bits);
    if (name === 'GET') {
      operations.push({ name, type, offset, overflow });
      i += 2;
    } else {
      operations.push({ name, type, offset, overflow, value: parseLongLong(args[i + 3]!) });
      i += 3;
    }
  }
  return operations;
}

/** One SET or INCRBY: the reply (the old value for SET, the new one for INCRBY; nil when FAIL refuses). */
function writeField(bytes: Uint8Array, operation: FieldOperation & { name: 'SET' | 'INCRBY' }): Reply {
  const { type, offset, overflow, value } = operation;
  const old = getField(bytes, offset, type);
  // SET checks its value as an increment of 0 would; unsigned, a negative value is C's uint64 wrap of it.
  const given = type.signed ? value : BigInt.asUintN(64, value);
  const stored =
    operation.name === 'INCRBY' ? addToField(old, value, type, overflow) : addToField(given, 0n, type, overflow);
  if (stored === null) return null;
  setField(bytes, offset, type, stored);
  return Number(operation.name === 'INCRBY' ? stored : old);
}

/**
 * BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ...;
 * BITFIELD_RO (`readOnlyCommand`) takes GET alone.
 */
export function bitfield(readOnlyCommand: boolean): MemoryCommand['run'] {
  return ({ redis }, [key = '', ...args]) => {
    const operations = parseFieldOperations(args);
    const writes = operations.filter((operation) => operation.name !== 'GET');
    if (writes.length > 0 && readOnlyCommand) {
      throw new ReplyError('ERR BITFIELD_RO only supports the GET subcommand');
    }
    let bytes = readBytes(redis, key);
    if (writes.length > 0) {
      // The string grows to the farthest bit written, even when OVERFLOW FAIL then writes nothing.
      const farthest = Math.max(...writes.map(({ offset, type }) => offset + type.bits - 1));
      bytes = grown(bytes, Math.floor(farthest / 8) + 1);
    }
    const replies = operations.map(
      (operation): Reply =>
        operation.name === 'GET'
          ? Number(getField(bytes ?? new Uint8Array(0), operation.offset, operation.type))
          : writeField(bytes!, operation),
    );
    if (writes.length > 0) writeBytes(redis, key, bytes!);
    return replies;
  };
}
