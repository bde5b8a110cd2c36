// jobs/drivers: package names as each manager spells them. A name travels to a shell (quoted
// all the same) and to a package manager's argument parser, so it must be a plain name there:
// no leading dash (an option), no globs, no paths, no version pins.
import { PackageManager } from './types';

export const MAX_PACKAGE_NAME = 128;

/** Each manager's own rule, and the words for it in a message. */
const PATTERNS: Record<PackageManager, [RegExp, string]> = {
  // Debian policy 5.6.7: lowercase letters, digits, + - . ; at least two, starting alphanumeric
  apt: [/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name (lowercase letters, digits, + - . ; at least 2 characters, starting with a letter or digit)'],
  // RPM Name tag as Fedora/SUSE packaging allows it
  dnf: [/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/, 'an RPM package name (letters, digits, . _ + -, starting with a letter, digit or _)'],
  yum: [/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/, 'an RPM package name (letters, digits, . _ + -, starting with a letter, digit or _)'],
  zypper: [/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/, 'an RPM package name (letters, digits, . _ + -, starting with a letter, digit or _)'],
  apk: [/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'an Alpine package name (letters, digits, . _ + -, starting with a letter or digit)'],
  // makepkg: lowercase alphanumerics and @ . _ + -, not starting with - or .
  pacman: [/^[a-z0-9@_+][a-z0-9@._+-]*$/, 'an Arch package name (lowercase letters, digits, @ . _ + -, not starting with - or .)'],
  // formula or cask token, optionally as user/tap/token
  brew: [
    /^(?:[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/)?[a-z0-9][a-z0-9@._+-]*$/,
    'a Homebrew formula or cask (lowercase token such as wget or python@3.12, optionally user/tap/token)',
  ],
  // Publisher.Package ids (Notepad++.Notepad++) and Microsoft Store ids (9NBLGGH4NNS1)
  winget: [/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'a winget package id (such as Git.Git; letters, digits, . _ + -)'],
  // NuGet package id
  choco: [/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a Chocolatey package id (letters, digits, . _ -, starting with a letter or digit)'],
};

/** Without a manager: as strict as any driver for shell safety (a brew tap path may carry /). */
const CONSERVATIVE = /^[A-Za-z0-9][A-Za-z0-9@._+/-]*$/;

/** What is wrong with a name in plain words, before any manager's rule. */
function basicProblem(name: string): string | null {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  if (name.length === 0) return 'package name is empty';
  if (name.length > MAX_PACKAGE_NAME) return `package name ${shown} is longer than ${MAX_PACKAGE_NAME} characters`;
  if (/[\r\n]/.test(name)) return `package name ${shown} contains a line break`;
  if (name.includes('\0')) return `package name ${shown} contains a NUL character`;
  if (/\s/.test(name)) return `package name ${shown} contains whitespace`;
  if (name.startsWith('-')) return `package name ${shown} starts with "-" (it would be read as an option)`;
  const meta = /[;&|`$(){}<>\\'"*?[\]!#~^%,]/.exec(name);
  if (meta) return `package name ${shown} contains the shell metacharacter ${JSON.stringify(meta[0])}`;
  if (name.includes('=')) return `package name ${shown} pins a version: version pins (name=version) are not supported, give the package name only`;
  if (/[^\x21-\x7e]/.test(name)) return `package name ${shown} contains a non-ASCII or control character`;
  return null;
}

/** null when `name` is a valid package name (for `manager`, or for every manager), else what is wrong. */
export function validatePackageName(name: string, manager?: PackageManager): string | null {
  if (typeof name !== 'string') return 'package name must be a string';
  const basic = basicProblem(name);
  if (basic) return basic;
  if (!manager) {
    if (!CONSERVATIVE.test(name) || name.includes('..')) return `package name ${JSON.stringify(name)} is not a plain package name (letters, digits, @ . _ + - /, starting with a letter or digit)`;
    return null;
  }
  const [pattern, words] = PATTERNS[manager];
  return pattern.test(name) ? null : `package name ${JSON.stringify(name)} is not ${words}`;
}
