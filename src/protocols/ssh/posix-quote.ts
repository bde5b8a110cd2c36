// protocols/ssh: quoting for POSIX shells, for the rare command that must carry a value. Prefer
// fixed command strings; a value that must travel goes through shQuote, never through
// string concatenation alone.

/**
 * One shell word that a POSIX sh reads back as exactly `value`, and so does fish, the login
 * shell of some accounts, which reads the command line before any sh does: single-quoted runs,
 * with each ' and \ between them escaped by a backslash. (Inside single quotes fish takes \'
 * and \\ as escapes where sh takes them literally, so the usual '\'' trick let a value with
 * a backslash end the quote early there, and run what followed.) NUL cannot be passed in an
 * argument at all, so it is refused rather than silently cut.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL character');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  if (value === '') return "''";
  return value.replace(/[^'\\]+|['\\]/g, (m) => (m === "'" || m === '\\' ? `\\${m}` : `'${m}'`));
}

/** A command line from a program and its arguments, each quoted as needed. */
export function shCommand(program: string, ...args: string[]): string {
  return [program, ...args].map(shQuote).join(' ');
}
