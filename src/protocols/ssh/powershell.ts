// protocols/ssh: sending PowerShell to a Windows OpenSSH server. The script travels as
// -EncodedCommand (UTF-16LE, base64), so that neither cmd.exe (the default shell) nor
// PowerShell's own command-line parsing reinterprets a character of it; a value that must sit
// inside a script goes through psQuote.

/** The -EncodedCommand argument for a script: UTF-16LE bytes, base64. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** The command line that runs a script with Windows PowerShell, no profile, no prompts. */
export function powershellCommand(script: string): string {
  return `powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encodePowerShell(script)}`;
}

/** The script inside a command line made by powershellCommand (for logs and tests). */
export function decodePowerShellCommand(command: string): string | undefined {
  const m = /-EncodedCommand ([A-Za-z0-9+/=]+)\s*$/.exec(command);
  return m ? Buffer.from(m[1], 'base64').toString('utf16le') : undefined;
}

/** cmd.exe refuses longer command lines; CreateProcess allows 32,767 characters. */
export const CMD_EXE_MAX = 8191;

/**
 * A PowerShell single-quoted string literal that reads back as exactly `value`. Inside single
 * quotes nothing expands; the only special characters are the quote itself and its typographic
 * variants (U+2018..U+201B), which PowerShell also takes as single quotes: each is doubled.
 */
export function psQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a PowerShell string cannot contain a NUL character');
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}
