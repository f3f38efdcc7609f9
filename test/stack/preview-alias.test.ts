// scripts/preview-alias.ts: the alias and Neon branch a preview deploy is named by.
import { describe, expect, it } from 'vitest';
import { neonBranchName, previewAlias } from '../../scripts/preview-alias';

describe('preview alias', () => {
  it('derives a DNS-safe alias from the branch', () => {
    expect(previewAlias('feature/Cache_Layer#12', 'edge-api')).toBe('feature-cache-layer-12');
    expect(previewAlias('123-fix', 'edge-api')).toBe('fix');
    expect(previewAlias('x'.repeat(100), 'edge-api')).toHaveLength(54);
    expect(previewAlias('///', 'edge-api')).toBe('preview');
  });

  it('names the Neon branch after the alias', () => {
    expect(neonBranchName(previewAlias('feature/Cache_Layer#12', 'edge-api'))).toBe('preview/feature-cache-layer-12');
  });
});
