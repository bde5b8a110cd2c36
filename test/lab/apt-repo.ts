// The device lab's local apt repository, /var/lib/teknisi-lab-repo: the only source a lab host's
// apt knows (LAB_APT_SOURCE). Tests build small Debian packages with dpkg-deb, publish them here
// and publish newer versions later for upgrades; the index (Packages, Packages.gz, Release) is
// rewritten under a lock, since spec files run in parallel. Each spec should use package names
// of its own, so that one spec's versions never change what another installs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LAB_REPO_DIR = '/var/lib/teknisi-lab-repo';

export interface LabDebOptions {
  /** a Debian package name of the spec's own, e.g. teknisi-hello */
  name: string;
  /** e.g. 1.0; publish 1.1 later for an upgrade */
  version: string;
  description?: string;
  depends?: string[];
  /** also install /usr/bin/<name>, a script printing "<name> <version>" */
  command?: boolean;
}

/** The file every lab package installs, holding its version: what a test checks inside a host. */
export function labPackageVersionFile(name: string): string {
  return `/usr/share/teknisi-lab/${name}/VERSION`;
}

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION = /^[0-9][A-Za-z0-9.+~-]*$/;

/** Builds a .deb (architecture all) in a temporary directory and returns its path. */
export function buildLabDeb(o: LabDebOptions): string {
  if (!NAME.test(o.name) || !VERSION.test(o.version)) throw new Error(`not a Debian package name and version: ${o.name} ${o.version}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `teknisi-deb-${o.name}-`));
  const root = path.join(tmp, 'root');
  const put = (rel: string, content: string, mode = 0o644) => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
    fs.writeFileSync(f, content, { mode });
    fs.chmodSync(f, mode); // the umask must not decide what the package installs
  };
  put(labPackageVersionFile(o.name), `${o.version}\n`);
  if (o.command) put(`/usr/bin/${o.name}`, `#!/bin/sh\necho "${o.name} ${o.version}"\n`, 0o755);
  put(
    'DEBIAN/control',
    [
      `Package: ${o.name}`,
      `Version: ${o.version}`,
      'Architecture: all',
      'Maintainer: Teknisi device lab <lab@teknisi.invalid>',
      'Section: misc',
      'Priority: optional',
      ...(o.depends?.length ? [`Depends: ${o.depends.join(', ')}`] : []),
      `Description: ${o.description ?? `Teknisi device lab test package ${o.name}`}`,
      ' Built by the test suite for install, upgrade and removal tests; installs only a',
      ` version file${o.command ? ' and a command' : ''}.`,
      '',
    ].join('\n'),
  );
  execFileSync('chmod', ['-R', 'go-w', root]);
  const deb = path.join(tmp, `${o.name}_${o.version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb], { stdio: ['ignore', 'ignore', 'pipe'] });
  return deb;
}

/** Creates the repository (empty, but already a valid one) when missing. */
export function ensureLabRepo(): void {
  fs.mkdirSync(LAB_REPO_DIR, { recursive: true, mode: 0o755 });
  if (!fs.existsSync(path.join(LAB_REPO_DIR, 'Release'))) reindexLabRepo();
}

/**
 * Builds the package, adds it to the repository beside the versions already there, and
 * rewrites the index: a host's next `apt-get update` sees it. Returns the .deb's path in the repo.
 */
export function publishLabPackage(o: LabDebOptions): string {
  ensureLabRepo();
  const built = buildLabDeb(o);
  const target = path.join(LAB_REPO_DIR, path.basename(built));
  fs.copyFileSync(built, `${target}.tmp`);
  fs.chmodSync(`${target}.tmp`, 0o644);
  fs.renameSync(`${target}.tmp`, target);
  fs.rmSync(path.dirname(built), { recursive: true, force: true });
  reindexLabRepo();
  return target;
}

/** Removes every version of a package from the repository (a spec's clean start). */
export function unpublishLabPackage(name: string): void {
  if (!NAME.test(name)) throw new Error(`not a Debian package name: ${name}`);
  ensureLabRepo();
  for (const f of fs.readdirSync(LAB_REPO_DIR)) if (f.startsWith(`${name}_`) && f.endsWith('.deb')) fs.rmSync(path.join(LAB_REPO_DIR, f), { force: true });
  reindexLabRepo();
}

// dpkg-scanpackages lists every version (apt picks the newest); the Release file carries the
// index hashes, so apt reads the flat repository without complaining of a missing Release
const REINDEX = `set -e
cd "$1"
dpkg-scanpackages --multiversion . /dev/null 2>/dev/null > Packages.tmp
gzip -9nc Packages.tmp > Packages.gz.tmp
{
  echo "Origin: Teknisi device lab"
  echo "Label: teknisi-lab"
  echo "Date: $(LC_ALL=C date -Ru)"
  echo "SHA256:"
  for f in Packages Packages.gz; do
    printf ' %s %s %s\\n' "$(sha256sum < "$f.tmp" | cut -d' ' -f1)" "$(stat -c %s "$f.tmp")" "$f"
  done
} > Release.tmp
chmod 644 Packages.tmp Packages.gz.tmp Release.tmp
mv Packages.tmp Packages
mv Packages.gz.tmp Packages.gz
mv Release.tmp Release
`;

/** Rewrites Packages, Packages.gz and Release from the .deb files present, one writer at a time. */
export function reindexLabRepo(): void {
  fs.mkdirSync(LAB_REPO_DIR, { recursive: true, mode: 0o755 });
  execFileSync('flock', [path.join(LAB_REPO_DIR, '.lock'), 'sh', '-c', REINDEX, 'reindex', LAB_REPO_DIR], { stdio: ['ignore', 'ignore', 'pipe'] });
}
