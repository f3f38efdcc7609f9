// What each package contributes to the bundle, from esbuild's metafile (bytes) and the bundle's
// source map (which output characters came from which file, for a gzipped size per package).
// Paths are relative to the project, as the metafile's are; the caller resolves the map's sources.
import { gzipSync } from 'node:zlib';

export interface PackageShare {
  /** An npm package (`@scope/name`), or a folder (`src/cache/`) or file (`src/app.ts`) of this project. */
  name: string;
  bytes: number;
  /** This package's output gzipped on its own: a little more than its share of the gzipped bundle. */
  gzipBytes: number;
}

/** The package, or project folder, of a path relative to the project. */
export function packageOf(relativePath: string): string {
  // drizzle-orm's own source maps name its sources `../src/…`, which resolve beside its folder.
  if (/(^|\/)node_modules\/src\//.test(relativePath)) return 'drizzle-orm';
  const inModules = relativePath.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [first = '', second = ''] = relativePath.slice(inModules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const parts = relativePath.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : relativePath;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The values of one source-map segment (Base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * The output text of each package, cut at the source map's segments. Text a segment leaves
 * unmapped (some packages ship partial maps) belongs to the module before it: esbuild writes each
 * module's code in one piece. Text before any module is esbuild's own.
 */
function outputTextByPackage(code: string, sourceMap: { sources: string[]; mappings: string }): Map<string, string> {
  const texts = new Map<string, string[]>();
  const lines = code.split('\n');
  let source = 0;
  let current = '(esbuild)';
  sourceMap.mappings.split(';').forEach((lineMappings, index) => {
    const line = index < lines.length - 1 ? `${lines[index]}\n` : (lines[index] ?? '');
    let column = 0;
    const starts = [{ column: 0, name: current }];
    for (const segment of lineMappings.split(',').filter(Boolean)) {
      const [columnDelta = 0, sourceDelta] = decodeSegment(segment);
      column += columnDelta;
      if (sourceDelta !== undefined) {
        source += sourceDelta;
        current = packageOf(sourceMap.sources[source] ?? '');
      }
      starts.push({ column, name: current });
    }
    starts.forEach((start, i) => {
      const text = line.slice(start.column, starts[i + 1]?.column ?? line.length);
      (texts.get(start.name) ?? texts.set(start.name, []).get(start.name)!).push(text);
    });
  });
  return new Map([...texts].map(([name, parts]) => [name, parts.join('')]));
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Bytes and gzipped bytes per package, largest first; `(esbuild)` is the bundler's own glue. */
export function breakdownByPackage(
  metafile: Metafile,
  code: string,
  sourceMap: { sources: string[]; mappings: string },
): PackageShare[] {
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.js'))?.[1];
  if (!output) throw new Error('The metafile lists no .js output.');
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  const texts = outputTextByPackage(code, sourceMap);
  // What no input accounts for: esbuild's helpers and module wrappers, the license comment.
  bytes.set('(esbuild)', Buffer.byteLength(code) - [...bytes.values()].reduce((sum, n) => sum + n, 0));
  return [...bytes]
    .map(([name, size]) => ({ name, bytes: size, gzipBytes: gzipSync(texts.get(name) ?? '').length }))
    .sort((a, b) => b.bytes - a.bytes);
}
