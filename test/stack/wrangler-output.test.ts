// scripts/wrangler-output.ts: what `wrangler versions upload` reports in its output file.
import { describe, expect, it } from 'vitest';
import { uploadedVersionFrom } from '../../scripts/wrangler-output';

describe('wrangler output', () => {
  it("reads the uploaded version from wrangler's output file", () => {
    const output = [
      '{"type":"wrangler-session","version":1}',
      '{"type":"version-upload","version":1,"version_id":"v1","preview_url":"https://v1abc-edge-api.me.workers.dev","preview_alias_url":"https://feat-edge-api.me.workers.dev"}',
      '',
    ].join('\n');
    expect(uploadedVersionFrom(output)).toEqual({
      versionId: 'v1',
      previewUrl: 'https://v1abc-edge-api.me.workers.dev',
      previewAliasUrl: 'https://feat-edge-api.me.workers.dev',
    });
    expect(uploadedVersionFrom('{"type":"version-upload","version":1,"version_id":"v2"}\n')).toEqual({
      versionId: 'v2',
      previewUrl: undefined,
      previewAliasUrl: undefined,
    });
    expect(uploadedVersionFrom('{"type":"wrangler-session","version":1}\n')).toBeUndefined();
  });
});
