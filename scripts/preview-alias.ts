/**
 * A preview alias from a branch name: lowercase letters, digits and dashes, starting with a
 * letter, short enough that `<alias>-<worker>` fits one DNS label (63 characters).
 */
export function previewAlias(branch: string, workerName: string): string {
  const room = Math.max(1, 63 - workerName.length - 1);
  const alias = branch.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').slice(0, room).replace(/-+$/, '');
  return alias || 'preview';
}

/** The aliased preview URL in `wrangler versions upload` output (the plain version URL when there is none). */
export function previewUrlFrom(output: string): string | undefined {
  const urls = output.split('\n').flatMap((line) => {
    const url = /https:\/\/[^\s]+/.exec(line)?.[0];
    return url ? [{ url, alias: /alias/i.test(line) }] : [];
  });
  return (urls.find((entry) => entry.alias) ?? urls[0])?.url;
}
