// The part of zod this project's schemas use, as named exports: a bundler keeps only these
// (and what they need). `./zod` explains why they are listed rather than taken whole.

export type { infer, input, output } from 'zod/v4';
export { array, coerce, enum, iso, literal, number, object, strictObject, string, ZodType } from 'zod/v4';
