import { validatePackageName } from './names';
import { PACKAGE_MANAGERS, PackageManager } from './types';

const MANAGERS: Array<PackageManager | undefined> = [...PACKAGE_MANAGERS, undefined];

// every one of these must be refused by every manager's rule and by the conservative one
const ATTACKS: Array<[string, string, RegExp]> = [
  ['command separator', 'vim; rm -rf /', /whitespace|metacharacter/],
  ['command separator without spaces', 'vim;id', /metacharacter ";"/],
  ['command substitution', '$(id)', /metacharacter "\$"/],
  ['backticks', '`id`', /metacharacter "`"/],
  ['newline', 'vim\nrm -rf /', /line break/],
  ['carriage return', 'vim\rid', /line break/],
  ['leading dash (an option)', '--allow-downgrades', /starts with "-"/],
  ['leading dash, short', '-y', /starts with "-"/],
  ['space', 'two words', /whitespace/],
  ['tab', 'a\tb', /whitespace/],
  ['single quote', "vim'", /metacharacter/],
  ['double quote', 'vim"', /metacharacter/],
  ['pipe', 'vim|sh', /metacharacter "\|"/],
  ['ampersand', 'vim&', /metacharacter "&"/],
  ['redirection', 'vim>/etc/passwd', /metacharacter ">"/],
  ['glob', 'vim*', /metacharacter "\*"/],
  ['backslash', 'vim\\x', /metacharacter/],
  ['non-ASCII', 'vïm', /non-ASCII/],
  ['non-ASCII lookalike dash', '\u2013rf', /non-ASCII/],
  ['NUL', 'vim\0', /NUL/],
  ['empty', '', /empty/],
  ['too long', 'a'.repeat(129), /longer than 128/],
  ['version pin', 'vim=2:9.0', /version pins/],
  ['brace expansion', 'vim{,x}', /metacharacter/],
  ['history expansion', 'vim!!', /metacharacter "!"/],
  ['tilde', '~root', /metacharacter "~"/],
];

describe('validatePackageName refuses injection for every manager and without one', () => {
  for (const manager of MANAGERS) {
    it.each(ATTACKS)(`${manager ?? 'no manager'}: %s`, (_what, name, message) => {
      const problem = validatePackageName(name, manager);
      expect(problem).not.toBeNull();
      expect(problem).toMatch(message);
    });
  }
});

const VALID: Record<PackageManager, string[]> = {
  apt: ['teknisi-hello', 'libstdc++6', 'python3.11', 'g++', 'linux-image-6.1.0-29-amd64'],
  dnf: ['teknisi-hello', 'NetworkManager', 'perl-Test-Simple', 'python3.11', 'gcc-c++', 'xorg-x11-server-Xorg'],
  yum: ['httpd', 'yum-utils'],
  zypper: ['libopenssl3', 'MozillaFirefox', 'patterns-base-base'],
  apk: ['teknisi-hello', 'py3-pip', 'build-base', 'libstdc++'],
  pacman: ['teknisi-hello', 'python-pip', 'gtk3', 'lib32-glibc', 'xorg-server', '0ad', 'mingw-w64-gcc', 'r'],
  brew: ['wget', 'python@3.12', 'gtk+3', 'visual-studio-code', 'homebrew/cask/firefox', 'hashicorp/tap/terraform', 'firefox@developer-edition'],
  winget: ['Git.Git', 'Mozilla.Firefox', 'Notepad++.Notepad++', '7zip.7zip', 'Microsoft.VisualStudioCode', '9NBLGGH4NNS1'],
  choco: ['git', 'googlechrome', 'notepadplusplus.install', 'vcredist140', 'dotnet-8.0-runtime'],
};

describe('validatePackageName accepts real names', () => {
  for (const manager of PACKAGE_MANAGERS) {
    it.each(VALID[manager])(`${manager}: %s`, (name) => expect(validatePackageName(name, manager)).toBeNull());
  }
  it.each(Object.values(VALID).flat())('no manager: %s', (name) => expect(validatePackageName(name)).toBeNull());
});

describe("validatePackageName applies each manager's own rule", () => {
  it.each([
    ['apt', 'Teknisi', /Debian package name/], // Debian names are lowercase
    ['apt', 'a', /at least 2/],
    ['apt', 'teknisi_hello', /Debian/],
    ['pacman', 'Teknisi', /Arch package name/],
    ['pacman', '.hidden', /Arch/],
    ['brew', 'a/b/c/d', /Homebrew/],
    ['brew', 'user/../etc', /Homebrew/],
    ['choco', 'git+x', /Chocolatey/],
    ['choco', 'my/pkg', /Chocolatey/],
    ['winget', 'Git/Git', /winget/],
    ['dnf', 'a/b', /RPM/],
    ['apk', '@edge', /Alpine/],
  ] as Array<[PackageManager, string, RegExp]>)('%s refuses %j', (manager, name, message) => {
    expect(validatePackageName(name, manager)).toMatch(message);
  });

  it('without a manager refuses path tricks too', () => {
    expect(validatePackageName('../etc/passwd')).not.toBeNull();
    expect(validatePackageName('a/../../b')).not.toBeNull();
    expect(validatePackageName('/etc/passwd')).not.toBeNull();
  });

  it('names what is wrong with a pin', () => {
    expect(validatePackageName('nginx=1.24.0-1', 'apt')).toBe('package name "nginx=1.24.0-1" pins a version: version pins (name=version) are not supported, give the package name only');
  });
});
