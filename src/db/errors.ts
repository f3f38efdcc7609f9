/** The database answered with an SQLSTATE: the statement was rejected (constraint, syntax...). */
export class DatabaseQueryError extends Error {
  override readonly name = 'DatabaseQueryError';
  constructor(
    readonly code: string,
    readonly constraint: string | undefined,
    readonly column: string | undefined,
    options: { cause: unknown },
  ) {
    super(`Database rejected the statement (SQLSTATE ${code})`, options);
  }
}

/** The database could not be reached or did not answer: a 503, or a stale answer, upstream. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(options: { cause: unknown }) {
    super('Database unavailable', options);
  }
}

interface PostgresErrorFields {
  code?: unknown;
  constraint?: unknown;
  column?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Drizzle wraps driver errors (`DrizzleQueryError.cause`); the SQLSTATE sits on the innermost one. */
function findPostgresError(error: unknown): PostgresErrorFields | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const fields = current as PostgresErrorFields & { cause?: unknown };
    if (typeof fields.code === 'string' && SQLSTATE.test(fields.code)) return fields;
    current = fields.cause;
  }
  return undefined;
}

/**
 * SQLSTATE classes that mean "the database cannot serve now", not "this statement is wrong":
 * 08 connection exception, 53 insufficient resources, 57 operator intervention (e.g. shutdown).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57']);

/** Classifies anything a Drizzle/Neon call threw. */
export function toDatabaseError(error: unknown): DatabaseQueryError | DatabaseUnavailableError {
  const postgres = findPostgresError(error);
  if (!postgres || UNAVAILABLE_CLASSES.has((postgres.code as string).slice(0, 2))) {
    return new DatabaseUnavailableError({ cause: error });
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return new DatabaseQueryError(postgres.code as string, text(postgres.constraint), text(postgres.column), {
    cause: error,
  });
}

/** Awaits a database call and rethrows its failure as a typed database error. */
export async function query<T>(pending: PromiseLike<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw toDatabaseError(error);
  }
}
