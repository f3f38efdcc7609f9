// The one Postgres an endpoint fronts, and which spellings of an address name it.
import { formatHostPort, isLoopbackHost } from '../endpoint-kit';
import { StackError } from '../stack-error';

/** Host and port of a Postgres server. */
export interface DatabaseAddress {
  host: string;
  port: number;
}

const DEFAULT_POSTGRES_PORT = 5432;

/** Parses a `postgres://` or `postgresql://` URL that names a host; null when the text is not one. */
export function parsePostgresUrl(text: string): URL | null {
  const url = URL.parse(text);
  if (url === null || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) return null;
  return url.hostname === '' ? null : url;
}

/** Host (lower-case, IPv6 without brackets) and port (5432 when absent) of a parsed URL. */
export function addressOf(url: URL): DatabaseAddress {
  return {
    host: url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_POSTGRES_PORT : Number(url.port),
  };
}

/** The address of the database the endpoint fronts; a `StackError` when the URL is not a Postgres URL. */
export function parseDatabaseAddress(databaseUrl: string): DatabaseAddress {
  const url = parsePostgresUrl(databaseUrl);
  // The URL may carry a password: the message must not repeat it.
  if (url === null) throw new StackError('The Neon endpoint needs a postgres:// database URL with a host.');
  return addressOf(url);
}

/** Whether `candidate` names `database`, counting all loopback spellings as one host (a client may use any). */
export function isSameAddress(candidate: DatabaseAddress, database: DatabaseAddress): boolean {
  if (candidate.port !== database.port) return false;
  return candidate.host === database.host || (isLoopbackHost(candidate.host) && isLoopbackHost(database.host));
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddress({ host, port }: DatabaseAddress): string {
  return formatHostPort(host, port);
}
