// Which preview a script works on: the git branch (GitHub's head branch in a pull request), and
// the names derived from it for the Worker version's alias and the Neon branch.
import { execFileSync } from 'node:child_process';
import { unstable_readConfig } from 'wrangler';
import { neonBranchName, previewAlias } from './preview-alias';

export interface PreviewTarget {
  /** The git branch previewed. */
  branch: string;
  /** The Worker's name in wrangler.toml. */
  workerName: string;
  /** The preview alias: `https://<alias>-<worker>.<subdomain>.workers.dev`. */
  alias: string;
  /** The Neon branch holding this preview's database. */
  neonBranch: string;
}

/** The preview of `branch`, or of the pull request's head branch (GITHUB_HEAD_REF), or of the branch checked out. */
export function previewTarget(branch?: string): PreviewTarget {
  const gitBranch =
    branch ||
    process.env.GITHUB_HEAD_REF ||
    execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { encoding: 'utf8' }).trim();
  const workerName = unstable_readConfig({ config: 'wrangler.toml' }).name ?? 'edge-api';
  const alias = previewAlias(gitBranch, workerName);
  return { branch: gitBranch, workerName, alias, neonBranch: neonBranchName(alias) };
}
