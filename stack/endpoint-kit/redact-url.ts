/**
 * A URL without its credentials (`redis://user:secret@host:6379` → `redis://host:6379`), safe to
 * print in a message or a log line.
 */
export function redactUrl(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return '(unparsable URL)';
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
