import { documentedBody, onFirstUse } from './documented-body';
import { z } from './zod';

/** RFC 9457 problem details, as `/openapi.json` describes them (built on first use: `./documented-body`). */
export const problemSchema = onFirstUse(() =>
  z
    .object({
      type: z.string().openapi({ example: 'about:blank' }),
      title: z.string().openapi({ example: 'Not Found' }),
      status: z.number().int().openapi({ example: 404 }),
      detail: z.string().optional().openapi({ example: 'No product with id 42.' }),
      instance: z.string().optional().openapi({ example: '/api/products/42' }),
      errors: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .openapi({ description: 'The invalid fields, on validation errors.' }),
    })
    .openapi('Problem', { description: 'RFC 9457 problem details (application/problem+json).' }),
);

/** An OpenAPI response entry for a problem+json answer. */
export function problemDoc(description: string) {
  return { description, content: documentedBody('application/problem+json', problemSchema) };
}
