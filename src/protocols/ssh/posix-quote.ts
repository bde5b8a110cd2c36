// protocols/ssh: quoting for POSIX shells, for the rare command that must carry a value. Prefer
// fixed command strings; a value that must travel goes through shQuote, never through
// string concatenation alone.

/**
 * One shell word that a POSIX sh reads back as exactly `value`, and so do the login shells of
 * some accounts, which read the command line before any sh does — fish, zsh, csh/tcsh:
 * single-quoted runs, with each ', \ and ! between them escaped by a backslash. (Inside single
 * quotes fish takes \' and \\ as escapes where sh takes them literally, so the usual '\''
 * trick let a value with a backslash end the quote early there, and run what followed; csh
 * expands ! as a history event even inside them.) A line break has no spelling that all of
 * them read back (csh runs each line on its own, quotes or not: a value's second line became
 * a command), and NUL cannot be passed in an argument at all: both are refused, not cut. A
 * value that may hold them travels another way (stdin, as the command job's parameters do).
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL character');
  if (value.includes('\n')) throw new Error('a shell argument on a command line cannot contain a line break (csh would run the next line)');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  if (value === '') return "''";
  return value.replace(/[^'\\!]+|['\\!]/g, (m) => (m === "'" || m === '\\' || m === '!' ? `\\${m}` : `'${m}'`));
}

/**
 * A word for a script that only sh (or bash) reads — text sent on stdin, never a command line:
 * single-quoted, each ' written as '\''. Any value, line breaks included, except NUL.
 */
export function shScriptQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot contain a NUL character');
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** A command line from a program and its arguments, each quoted as needed. */
export function shCommand(program: string, ...args: string[]): string {
  return [program, ...args].map(shQuote).join(' ');
}
