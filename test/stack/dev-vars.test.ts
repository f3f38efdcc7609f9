// stack/dev-vars.ts: reading the `.dev.vars` file the stack writes for wrangler.
import { describe, expect, it } from 'vitest';
import { parseDevVars } from '../../stack/dev-vars';

describe('.dev.vars', () => {
  it('parses dotenv lines, quotes and comments', () => {
    expect(parseDevVars('# comment\nA="x y"\nB=plain\n  C = \'q\'\nbad line\n')).toEqual({
      A: 'x y',
      B: 'plain',
      C: 'q',
    });
  });
});
