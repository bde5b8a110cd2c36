// protocols/ssh: a command's own output, apart from what the login prints before it. Many hosts'
// ~/.bashrc (or .zshenv, /etc/bash.bashrc) echo a greeting, and Debian's bash reads ~/.bashrc
// even for a command run over SSH, so those lines land on stdout ahead of the command's own: a
// hostname read as "Welcome to web01", a config backup that changes with the date in a banner.
// A command run through fenced() prints a fixed line first; afterFence() keeps what follows it.
// POSIX shells only (Linux, macOS, Git for Windows' bash): cmd.exe and PowerShell have no
// printf, which is how the platform probe tells them apart.

/** a line no login script prints by chance */
export const FENCE = 'teknisi-output-4d1b7e';

/** `command`, printing FENCE on a line of its own first. */
export function fenced(command: string): string {
  return `printf '%s\\n' ${FENCE}; ${command}`;
}

/**
 * What `command` itself printed: the text after the fence, or null when no fence came (the
 * shell never ran the command as given). A greeting without a final newline still counts.
 */
export function afterFence(stdout: string): string | null {
  const at = stdout.indexOf(`${FENCE}\n`);
  return at < 0 ? null : stdout.slice(at + FENCE.length + 1);
}
