/**
 * A preview alias from a branch name: lowercase letters, digits and dashes, starting with a
 * letter, short enough that `<alias>-<worker>` fits one DNS label (63 characters).
 */
export function previewAlias(branch: string, workerName: string): string {
  const room = Math.max(1, 63 - workerName.length - 1);
  const alias = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, room)
    .replace(/-+$/, '');
  return alias || 'preview';
}

/** The Neon branch of the preview with this alias. The prefix keeps cleanup away from any other branch. */
export function neonBranchName(alias: string): string {
  return `preview/${alias}`;
}
