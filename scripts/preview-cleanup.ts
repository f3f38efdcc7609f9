// `npm run preview:cleanup [-- --branch <git branch>]`: deletes the Neon branch that
// `npm run preview` made for a git branch (by default the pull request's head branch, or the one
// checked out). No such branch is success: a cleanup can run twice, or after a preview that failed
// early. The Worker version and its alias stay (Cloudflare keeps versions); the alias stops
// reaching a database.
import { parseArgs } from 'node:util';
import { NeonApiError, NeonBranches } from './neon-branches';
import { previewTarget } from './preview-target';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let branch: string | undefined;
try {
  branch = parseArgs({ options: { branch: { type: 'string' } } }).values.branch;
} catch (error) {
  fail(`${(error as Error).message}. Usage: npm run preview:cleanup [-- --branch <git branch>]`);
}
const neon = NeonBranches.fromEnv();
if (!neon) fail('npm run preview:cleanup needs NEON_API_KEY and NEON_PROJECT_ID (README "Previews").');
const { neonBranch } = previewTarget(branch);

try {
  const deleted = await neon.delete(neonBranch);
  console.log(deleted ? `Deleted Neon branch ${neonBranch}.` : `No Neon branch ${neonBranch}: nothing to delete.`);
} catch (error) {
  if (error instanceof NeonApiError) fail(error.message);
  throw error;
}
