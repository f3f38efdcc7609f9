// monitoring/queries.sql as data: each `-- name:` block is one query, used as written by the
// Grafana dashboard and by `npm run metrics` (which fills in the window as Grafana does).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const QUERIES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'queries.sql');

export interface NamedQuery {
  name: string;
  /** The comment lines under the name. */
  description: string;
  sql: string;
}

export function parseNamedQueries(text: string): NamedQuery[] {
  const blocks = text.split(/^-- name: /m).slice(1);
  return blocks.map((block) => {
    const [name = '', ...lines] = block.split('\n');
    const description = lines
      .filter((line) => line.startsWith('--'))
      .map((line) => line.replace(/^--\s?/, ''))
      .join(' ');
    const sql = lines
      .filter((line) => !line.startsWith('--'))
      .join('\n')
      .trim();
    return { name: name.trim(), description, sql };
  });
}

export function loadNamedQueries(file = QUERIES_FILE): NamedQuery[] {
  return parseNamedQueries(readFileSync(file, 'utf8'));
}

/** The query for the window [from, to), as Grafana's ClickHouse data source expands $from and $to (unix seconds). */
export function forWindow(sql: string, from: Date, to: Date): string {
  const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));
  return sql.replaceAll('$from', seconds(from)).replaceAll('$to', seconds(to));
}
