import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWAGGER_UI } from '../../src/routes/swagger-ui-assets';

// swagger-ui-dist is a dev dependency pinned to the version the page loads from jsDelivr,
// which serves npm's files unchanged: the page's integrity hashes must be these files' hashes.
const packageDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const sha384 = (file: string) =>
  `sha384-${createHash('sha384')
    .update(readFileSync(path.join(packageDir, file)))
    .digest('base64')}`;

describe('/docs assets', () => {
  it('pins the version of swagger-ui-dist installed here', () => {
    expect(JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version).toBe(SWAGGER_UI.version);
  });

  it("carries the integrity hashes of that version's files", () => {
    expect(SWAGGER_UI.script.integrity).toBe(sha384(SWAGGER_UI.script.file));
    expect(SWAGGER_UI.stylesheet.integrity).toBe(sha384(SWAGGER_UI.stylesheet.file));
  });
});
