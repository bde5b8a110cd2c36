// protocols/ssh: a command's own output, apart from what the login prints before it. Many hosts'
// ~/.bashrc (or .zshenv, /etc/bash.bashrc) echo a greeting, and Debian's bash reads ~/.bashrc
// even for a command run over SSH, so those lines land on stdout ahead of the command's own: a
// hostname read as "Welcome to web01", a config backup that changes with the date in a banner.
// A command run through fenced() prints a fixed line first; afterFence() keeps what follows it.
// The command itself then runs under /bin/sh, whatever the account's login shell: fish and csh
// read `for …; do …; done` and `if …; then …; fi` as syntax errors, and some users have them.
// For Unix hosts (Linux, macOS, Git for Windows' bash): cmd.exe and PowerShell have no printf,
// which is how the platform probe tells them apart.
import { shQuote } from './posix-quote';

/** a line no login script prints by chance */
export const FENCE = 'teknisi-output-4d1b7e';

/**
 * `command` run by /bin/sh, after FENCE on a line of its own. The login shell reads only this
 * line: a printf and one quoted word (single-line, so that csh takes it too).
 */
export function fenced(command: string): string {
  if (/[\r\n]/.test(command)) throw new Error('a fenced command is one line');
  return `printf '%s\\n' ${FENCE}; exec /bin/sh -c ${shQuote(command)}`;
}

/**
 * What `command` itself printed: the text after the fence, or null when no fence came (the
 * shell never ran the command as given). A greeting without a final newline still counts.
 */
export function afterFence(stdout: string): string | null {
  const at = stdout.indexOf(`${FENCE}\n`);
  return at < 0 ? null : stdout.slice(at + FENCE.length + 1);
}
