// jobs/drivers: Windows — winget and Chocolatey, each command a PowerShell script sent with
// -EncodedCommand (see host.ts); ids are quoted with psQuote all the same. The SSH account must
// be an administrator (Windows OpenSSH gives administrators an elevated session; there is no
// sudo). winget runs in the SSH user's context: it is missing for accounts that never logged
// on interactively and for SYSTEM.
import { ExecResult } from '../../protocols/ssh/ssh.client';
import { psQuote } from '../../protocols/ssh/powershell';
import { NETWORK, Rule, u32 } from './classify';
import { Driver, lines, Pending, screenLines } from './driver';

const PRELUDE = "$ProgressPreference = 'SilentlyContinue'; [Console]::OutputEncoding = New-Object Text.UTF8Encoding $false";
const list = (ids: string[]) => `@(${ids.map(psQuote).join(', ')})`;
const WINGET_FLAGS = '--accept-source-agreements --disable-interactivity';

/** Runs one command per id and exits with the first failing exit code (0 when all passed). */
function eachId(ids: string[], command: string): string {
  return [PRELUDE, '$rc = 0', `foreach ($id in ${list(ids)}) {`, `  ${command}`, '  if ($LASTEXITCODE -ne 0 -and $rc -eq 0) { $rc = $LASTEXITCODE }', '}', 'exit $rc'].join('\n');
}

/** Pending-reboot markers that installers and servicing set (CBS, Windows Update). */
const REBOOT_SCRIPT = [
  PRELUDE,
  "$keys = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending', 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired'",
  "if ($keys | Where-Object { Test-Path -LiteralPath $_ }) { 'reboot-required' } else { 'no-reboot' }",
].join('\n');
const windowsReboot = { cmd: { line: REBOOT_SCRIPT, query: true }, required: (r: ExecResult) => /reboot-required/.test(r.stdout) };

/** winget's own HRESULTs (winget-cli doc/windows/package-manager/winget/returnCodes.md) */
export const WINGET = {
  DOWNLOAD_FAILED: 0x8a150008,
  INSTALLER_HASH_MISMATCH: 0x8a150011,
  NO_APPLICATIONS_FOUND: 0x8a150014,
  MULTIPLE_APPLICATIONS_FOUND: 0x8a150016,
  COMMAND_REQUIRES_ADMIN: 0x8a150019,
  SOURCE_DATA_MISSING: 0x8a15000f,
  UPDATE_NOT_APPLICABLE: 0x8a15002b,
  SOURCE_OPEN_FAILED: 0x8a150045,
  SOURCES_OPEN_FAILED: 0x8a15004b,
  PACKAGE_ALREADY_INSTALLED: 0x8a150061,
  INSTALL_PACKAGE_IN_USE: 0x8a150101,
  INSTALL_IN_PROGRESS: 0x8a150102,
  INSTALL_FILE_IN_USE: 0x8a150103,
  INSTALL_MISSING_DEPENDENCY: 0x8a150104,
  INSTALL_DISK_FULL: 0x8a150105,
  INSTALL_NO_NETWORK: 0x8a150107,
  INSTALL_REBOOT_REQUIRED_TO_FINISH: 0x8a150109,
  INSTALL_REBOOT_REQUIRED_FOR_INSTALL: 0x8a15010a,
  INSTALL_BLOCKED_BY_POLICY: 0x8a15010f,
};

export const WINGET_RULES: Rule[] = [
  { code: WINGET.NO_APPLICATIONS_FOUND, transient: false, reason: () => 'winget: no package found matching the id (0x8A150014)' },
  { code: WINGET.MULTIPLE_APPLICATIONS_FOUND, transient: false, reason: () => 'winget: several packages match the id; name it exactly (0x8A150016)' },
  { code: WINGET.COMMAND_REQUIRES_ADMIN, transient: false, reason: () => 'winget: administrator rights required (0x8A150019)' },
  // common over OpenSSH: the account's winget source package is missing or unregistered
  { code: WINGET.SOURCE_DATA_MISSING, transient: false, reason: () => "winget: data required by the source is missing (0x8A15000F); 'winget source reset --force' as this account may fix it" },
  { code: WINGET.INSTALLER_HASH_MISMATCH, transient: false, reason: () => "winget: the installer's hash does not match the manifest (0x8A150011)" },
  { code: WINGET.INSTALL_MISSING_DEPENDENCY, transient: false, reason: () => 'winget: a dependency is missing (0x8A150104)' },
  { code: WINGET.INSTALL_DISK_FULL, transient: false, reason: () => 'winget: disk full (0x8A150105)' },
  { code: WINGET.INSTALL_REBOOT_REQUIRED_FOR_INSTALL, transient: false, reason: () => 'winget: the machine must restart before this installs (0x8A15010A)' },
  { code: WINGET.INSTALL_BLOCKED_BY_POLICY, transient: false, reason: () => 'winget: blocked by organization policy (0x8A15010F)' },
  { code: WINGET.INSTALL_PACKAGE_IN_USE, transient: true, reason: () => 'winget: the application is running (0x8A150101)' },
  { code: WINGET.INSTALL_IN_PROGRESS, transient: true, reason: () => 'winget: another installation is in progress (0x8A150102)' },
  { code: WINGET.INSTALL_FILE_IN_USE, transient: true, reason: () => 'winget: files are in use (0x8A150103)' },
  { code: WINGET.INSTALL_NO_NETWORK, transient: true, reason: () => 'winget: no network (0x8A150107)' },
  { code: WINGET.DOWNLOAD_FAILED, transient: true, reason: () => 'winget: downloading the installer failed (0x8A150008)' },
  { code: WINGET.SOURCE_OPEN_FAILED, transient: true, reason: () => 'winget: could not open the source (0x8A150045)' },
  { code: WINGET.SOURCES_OPEN_FAILED, transient: true, reason: () => 'winget: could not open the sources (0x8A15004B)' },
  // MSI 1618: another installation in progress; anything else the installer returns is its answer
  { re: /Installer failed with exit code: 1618\b/, transient: true, reason: () => 'winget: another MSI installation is in progress (installer exit code 1618)' },
  { re: /Installer failed with exit code: (\S+)/, transient: false, reason: (m) => `winget: installer failed with exit code ${m[1]}` },
  { re: /No package found matching input criteria/, transient: false, reason: () => 'winget: no package found matching the id' },
  { re: /'winget' is not recognized|The term 'winget' is not recognized/, transient: false, reason: () => 'winget is not available for this account (App Installer missing, or the account never logged on interactively)' },
  ...NETWORK,
];

/** winget list output, one section per id: "### <id> <exit code>" then the table. */
function parseWingetSections(stdout: string): Array<{ id: string; code: number; rows: string[][] }> {
  const out: Array<{ id: string; code: number; text: string }> = [];
  for (const l of screenLines(stdout)) {
    const head = /^### (\S+) (-?\d+)$/.exec(l);
    if (head) out.push({ id: head[1], code: Number(head[2]), text: '' });
    else if (out.length) out[out.length - 1].text += `${l}\n`;
  }
  return out.map(({ id, code, text }) => ({ id, code, rows: wingetTable(text) }));
}

/**
 * The row of this id: its Version, and its Available version when the table has that column
 * (Name Id Version Available Source; without an update on offer, Name Id Version [Source]).
 * Versions are cells, not words: an approximate one is "< 10.0.22000.832".
 */
function wingetRow(id: string, rows: string[][]): { version: string; available?: string } | undefined {
  const lower = id.toLowerCase();
  // a long id is cut with "…" in narrow tables
  const cut = (c: string) => c.endsWith('…') && lower.startsWith(c.slice(0, -1).toLowerCase());
  const row = rows.find((r) => r[1].toLowerCase() === lower) ?? (rows.length === 1 && cut(rows[0][1]) ? rows[0] : undefined);
  if (!row) return undefined;
  return { version: row[2], available: row.length >= 5 && row[3] ? row[3] : undefined };
}

/** East Asian wide and fullwidth characters: two columns of a winget table each, as winget counts them. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** The characters of a line with the column each starts at. */
function columns(line: string): Array<{ ch: string; col: number }> {
  const out: Array<{ ch: string; col: number }> = [];
  let col = 0;
  for (const ch of line) {
    out.push({ ch, col });
    col += WIDE.test(ch) ? 2 : 1;
  }
  return out;
}

/**
 * The first table of a winget output, read by its layout rather than its words, which are in
 * the machine's language: the columns start where the header above the dashes has a word; the
 * table ends at the first line that is blank, or whose Id cell is empty, holds a space or does
 * not start at a column boundary (the "2 upgrades available." line and the text after it).
 * Cells keep their spaces: "Mozilla Firefox (x64 de)", "< 10.0.22000.832". A table introduced
 * by a sentence ending in a colon is `winget upgrade`'s second one, of packages that need
 * explicit targeting ("…require explicit targeting for upgrade:", "…erfordern jedoch explizites
 * Targeting für das Upgrade:"), printed alone when nothing else is pending: no table of its own.
 */
function wingetTable(stdout: string): string[][] {
  const all = screenLines(stdout);
  const dashes = all.findIndex((l, i) => i > 0 && /^-{10,}$/.test(l.trim()));
  if (dashes < 0 || (dashes > 1 && /[:：]\s*$/.test(all[dashes - 2]))) return [];
  const starts = columns(all[dashes - 1]).filter((c, i, cs) => c.ch !== ' ' && (i === 0 || cs[i - 1].ch === ' ')).map((c) => c.col);
  if (starts.length < 3) return [];
  const rows: string[][] = [];
  for (const l of all.slice(dashes + 1)) {
    const chars = columns(l);
    const at = (col: number) => chars.find((c) => c.col === col)?.ch;
    const cells = starts.map((start, k) => chars.filter((c) => c.col >= start && (k + 1 === starts.length || c.col < starts[k + 1])).map((c) => c.ch).join('').trim());
    const boundary = (k: number) => at(starts[k] - 1) === ' ';
    if (!l.trim() || !cells[1] || /\s/.test(cells[1]) || !boundary(1) || !boundary(2)) break;
    rows.push(cells);
  }
  return rows;
}

/**
 * winget list per id. Only 0x8A150014 (-1978335212) says "not installed"; any other failure
 * (0x8A15000F, the source's data missing) is no answer at all, and ends the script with its code.
 */
const wingetQuery = (ids: string[]) => ({
  line: [
    PRELUDE,
    `foreach ($id in ${list(ids)}) {`,
    `  $o = winget list --id $id --exact ${WINGET_FLAGS} | Out-String`,
    '  $c = $LASTEXITCODE',
    '  "### $id $c"',
    '  $o',
    `  if ($c -ne 0 -and $c -ne ${WINGET.NO_APPLICATIONS_FOUND | 0}) { exit $c }`,
    '}',
    'exit 0',
  ].join('\n'),
  query: true,
});

export const winget: Driver = {
  tool: 'winget',
  powershell: true,
  query: wingetQuery,
  queryOk: (r) => r.code === 0,
  parseQuery(r, names) {
    const out = new Map<string, string>();
    for (const s of parseWingetSections(r.stdout)) {
      const name = names.find((n) => n.toLowerCase() === s.id.toLowerCase());
      const row = s.code === 0 ? wingetRow(s.id, s.rows) : undefined;
      if (name && row) out.set(name, row.version);
    }
    return out;
  },
  // winget list shows an Available column for an installed package with an update on offer
  pending: (names) =>
    names ? wingetQuery(names) : { line: [PRELUDE, `winget upgrade ${WINGET_FLAGS}`, 'exit $LASTEXITCODE'].join('\n'), query: true },
  pendingOk: (r) => r.code === 0 || u32(r.code) === WINGET.NO_APPLICATIONS_FOUND,
  parsePending(r, names) {
    const out: Pending[] = [];
    if (names) {
      for (const s of parseWingetSections(r.stdout)) {
        const name = names.find((n) => n.toLowerCase() === s.id.toLowerCase());
        const row = s.code === 0 ? wingetRow(s.id, s.rows) : undefined;
        if (name && row?.available) out.push({ name, from: row.version, to: row.available });
      }
      return out;
    }
    // winget upgrade: Name Id Version Available Source; the packages that need explicit targeting
    // follow in a table of their own, which `upgrade --all` leaves alone
    for (const [, id, from, to] of wingetTable(r.stdout)) if (to) out.push({ name: id, from, to });
    return out;
  },
  change(action, names) {
    if (!names.length) return { line: [PRELUDE, `winget upgrade --all --silent --accept-package-agreements ${WINGET_FLAGS}`, 'exit $LASTEXITCODE'].join('\n') };
    const cmd =
      action === 'install' ? `winget install --id $id --exact --silent --accept-package-agreements ${WINGET_FLAGS}`
      : action === 'uninstall' ? `winget uninstall --id $id --exact --silent ${WINGET_FLAGS}`
      : `winget upgrade --id $id --exact --silent --accept-package-agreements ${WINGET_FLAGS}`;
    return { line: eachId(names, cmd) };
  },
  changeOk: (r) => r.code === 0 || [WINGET.INSTALL_REBOOT_REQUIRED_TO_FINISH, WINGET.PACKAGE_ALREADY_INSTALLED, WINGET.UPDATE_NOT_APPLICABLE].includes(u32(r.code)!),
  changeNeedsReboot: (r) => u32(r.code) === WINGET.INSTALL_REBOOT_REQUIRED_TO_FINISH,
  reboot: windowsReboot,
  rules: WINGET_RULES,
};

/** Chocolatey exit codes: 0 ok; 1641/3010 ok, reboot needed (MSI); 2 "nothing to do" with enhanced exit codes */
const CHOCO_DONE = new Set([0, 2, 1641, 3010]);

export const CHOCO_RULES: Rule[] = [
  { re: /not running from an elevated command shell|Access to the path '[^']*' is denied/, transient: false, reason: () => 'choco: administrator rights required' },
  { re: /(\S+) not installed\. The package was not found with the source\(s\) listed/, transient: false, reason: (m) => `choco: ${m[1]} not found in the configured sources` },
  { re: /The package was not found with the source\(s\) listed/, transient: false, reason: () => 'choco: package not found in the configured sources' },
  { re: /Unable to obtain lock file access/, transient: true, reason: () => 'choco: another Chocolatey process holds the lock' },
  { re: /A pending system reboot request has been detected/, transient: false, reason: () => 'choco: a reboot is pending; restart the machine before installing' },
  { re: /Exit code was '1618'/, transient: true, reason: () => 'choco: another MSI installation is in progress (exit code 1618)' },
  { re: /The remote name could not be resolved: '([^']+)'/, transient: true, reason: (m) => `network: could not resolve ${m[1]}` },
  { re: /Unable to connect to the remote server|The operation has timed out/, transient: true, reason: (m) => `network: ${m[0].toLowerCase()}` },
  { re: /Exit code was '(-?\d+)'/, transient: false, reason: (m) => `choco: installer failed with exit code ${m[1]}` },
  ...NETWORK,
];

export const choco: Driver = {
  tool: 'choco',
  powershell: true,
  // the lib folder's nuspec, not `choco list`: its meaning changed in Chocolatey 2.0 (local
  // only) and `--local-only` was removed, so no one command line reads installed packages on both
  query: (ids) => ({
    line: [
      PRELUDE,
      "$lib = Join-Path $(if ($env:ChocolateyInstall) { $env:ChocolateyInstall } else { 'C:\\ProgramData\\chocolatey' }) 'lib'",
      `foreach ($id in ${list(ids)}) {`,
      '  $n = Join-Path $lib "$id\\$id.nuspec"',
      '  if (Test-Path -LiteralPath $n) { "$id|" + ([xml](Get-Content -LiteralPath $n -Raw)).package.metadata.version }',
      '}',
    ].join('\n'),
    query: true,
  }),
  parseQuery(r, names) {
    const out = new Map<string, string>();
    for (const l of lines(r.stdout)) {
      const [id, version] = l.trim().split('|');
      const name = names.find((n) => n.toLowerCase() === id?.toLowerCase());
      if (name && version) out.set(name, version);
    }
    return out;
  },
  pending: () => ({ line: [PRELUDE, 'choco outdated --limit-output --ignore-unfound', 'exit $LASTEXITCODE'].join('\n'), query: true }),
  pendingOk: (r) => r.code === 0 || r.code === 2,
  parsePending(r, names) {
    const out: Pending[] = [];
    // "git|2.43.0|2.44.0|false": id, installed, available, pinned
    for (const l of lines(r.stdout)) {
      const [id, from, to, pinned] = l.trim().split('|');
      if (!id || !to || pinned === 'true') continue;
      const name = names ? names.find((n) => n.toLowerCase() === id.toLowerCase()) : id;
      if (name) out.push({ name, from, to });
    }
    return out;
  },
  change(action, names) {
    const verb = action === 'install' ? 'install' : action === 'uninstall' ? 'uninstall' : 'upgrade';
    const targets = names.length ? names.map(psQuote).join(' ') : 'all';
    return { line: [PRELUDE, `choco ${verb} ${targets} -y --no-progress`, 'exit $LASTEXITCODE'].join('\n') };
  },
  changeOk: (r) => r.code !== null && CHOCO_DONE.has(r.code),
  changeNeedsReboot: (r) => r.code === 1641 || r.code === 3010,
  reboot: windowsReboot,
  rules: CHOCO_RULES,
};
