// wrangler's machine-readable output (WRANGLER_OUTPUT_FILE_PATH): one JSON object per line,
// the same facts its terminal output prints for people.

/** What `wrangler versions upload` reports about the version it uploaded. */
export interface UploadedVersion {
  versionId: string;
  /** The version's own preview URL; absent when the Worker's preview URLs are off. */
  previewUrl?: string;
  /** The alias's preview URL (`--preview-alias`); absent when the Worker's preview URLs are off. */
  previewAliasUrl?: string;
}

/** The last `version-upload` entry of an output file's text. */
export function uploadedVersionFrom(outputFile: string): UploadedVersion | undefined {
  const entries = outputFile
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const upload = entries.findLast((entry) => entry.type === 'version-upload');
  if (!upload || typeof upload.version_id !== 'string') return undefined;
  return {
    versionId: upload.version_id,
    previewUrl: typeof upload.preview_url === 'string' ? upload.preview_url : undefined,
    previewAliasUrl: typeof upload.preview_alias_url === 'string' ? upload.preview_alias_url : undefined,
  };
}
