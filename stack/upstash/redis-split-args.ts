// Redis's sdssplitargs (src/sds.c), which reads the `#!` line of FUNCTION LOAD payloads and of
// scripts: words separated by spaces, "double-quoted" with escapes, or 'single-quoted'.
const SPACE = /[ \n\r\t\v\f]/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** Redis's sdssplitargs: words, "quoted" (with escapes) or 'quoted'; null when a quote is unbalanced. */
export function splitArgs(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && SPACE.test(line[i]!)) i++;
    if (i >= line.length) return words;
    let word = '';
    let quote: '"' | "'" | null = null;
    for (;;) {
      const char = line[i];
      if (quote === '"') {
        if (char === undefined) return null;
        if (char === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (char === '\\' && i + 1 < line.length) word += ESCAPES[line[++i]!] ?? line[i];
        else if (char === '"') {
          if (i + 1 < line.length && !SPACE.test(line[i + 1]!)) return null; // a closing quote must end the word
          quote = null;
          i++;
          break;
        } else word += char;
      } else if (quote === "'") {
        if (char === undefined) return null;
        if (char === '\\' && line[i + 1] === "'") word += line[++i];
        else if (char === "'") {
          if (i + 1 < line.length && !SPACE.test(line[i + 1]!)) return null;
          quote = null;
          i++;
          break;
        } else word += char;
      } else if (char === undefined || SPACE.test(char)) break;
      else if (char === '"' || char === "'") quote = char;
      else word += char;
      i++;
    }
    words.push(word);
  }
}
