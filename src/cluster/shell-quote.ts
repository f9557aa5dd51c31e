// cluster/shell-quote.ts: quotes words for a POSIX shell, so search flags and paths reach the
// job's command line exactly as the user gave them, whatever characters they hold.

const kPlainWord = /^[A-Za-z0-9_./:,=@%+-]+$/;

/** One word, quoted only when it needs to be; single quotes inside are closed, escaped, reopened. */
export function shellQuote(word: string): string {
  if (kPlainWord.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words joined by spaces, each quoted. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
