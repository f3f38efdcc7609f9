/**
 * Swagger UI, pinned: one exact version from jsDelivr (which serves npm's files byte for byte),
 * each file with Subresource Integrity, so a changed or compromised file is refused by the
 * browser instead of run on the docs page. Serving the files with the Worker would add 2 MB of
 * assets to deploy for a page only developers open; `/openapi.json` is the source either way.
 * `test/stack/docs-assets.test.ts` recomputes the hashes from the same version of `swagger-ui-dist` on npm.
 */
export const SWAGGER_UI = {
  version: '5.36.0',
  script: {
    file: 'swagger-ui-bundle.js',
    integrity: 'sha384-fUpRgC19yPykTqzdrUbdAg8NTiu16NEKf9U12J+IJWCg8/1mEI8f2+PEIz60Wyd+',
  },
  stylesheet: {
    file: 'swagger-ui.css',
    integrity: 'sha384-z/AtSaOHGn5MJ5auAHXUypohywlIWLBZo1jeGmhdpVIbCnFhxAH92cwdV41oyINc',
  },
} as const;
