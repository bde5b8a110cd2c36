// jobs/drivers: which package manager a device uses, from what the inventory knows of it.
import { PackageManager } from './types';

export interface DeviceFacts {
  platform?: string | null;
  osFamily?: string | null;
  osName?: string | null;
  osVersion?: string | null;
}

const major = (v: string | null | undefined) => Number(/(\d+)/.exec(v ?? '')?.[1] ?? NaN);

/** RHEL and its rebuilds up to 7 (and Amazon Linux 2) have yum only; 8 and later dnf. */
function rpmManager(osName: string, osVersion: string | null | undefined): PackageManager {
  if (/amazon linux/i.test(osName)) {
    const v = major(osVersion) || major(osName);
    return v === 2 || v === 1 || v > 2000 && v < 2023 ? 'yum' : 'dnf';
  }
  if (/fedora/i.test(osName)) return 'dnf';
  const v = major(osVersion) || major(/\b(\d+)(?:\.\d+)*\b/.exec(osName)?.[0]);
  return v && v <= 7 ? 'yum' : 'dnf';
}

const BY_OS_NAME: Array<[RegExp, PackageManager | 'rpm']> = [
  [/debian|ubuntu|raspbian|linux mint|pop!_os|kali|elementary|zorin|devuan|deepin|mx linux|proxmox/i, 'apt'],
  [/suse|sles/i, 'zypper'],
  [/red hat|rhel|rocky|alma|centos|fedora|oracle linux|amazon linux|scientific linux|cloudlinux|eurolinux/i, 'rpm'],
  [/alpine/i, 'apk'],
  [/arch linux|manjaro|endeavouros|garuda|artix/i, 'pacman'],
];

/** Package-manager tools the inventory may list (Linux package lists name their own tools). */
const BY_SOFTWARE: Array<[RegExp, PackageManager]> = [
  [/^apt$/i, 'apt'], [/^dnf$/i, 'dnf'], [/^yum$/i, 'yum'], [/^zypper$/i, 'zypper'], [/^apk-tools$/i, 'apk'], [/^pacman$/i, 'pacman'],
];

const WINGET = /^(app installer|windows package manager|microsoft\.desktopappinstaller|winget)\b/i;
const CHOCOLATEY = /^chocolatey\b/i;

export function pickManager(device: DeviceFacts, software: Array<{ name: string }> = []): PackageManager | null {
  const platform = (device.platform ?? '').toLowerCase();
  const family = (device.osFamily ?? '').toLowerCase();
  const osName = device.osName ?? '';
  if (platform === 'windows' || family === 'windows' || /^(microsoft )?windows\b/i.test(osName)) {
    // App Installer is an MSIX package, absent from the Uninstall keys the inventory reads, so
    // "winget absent" cannot be seen: chocolatey wins only when it is listed and winget is not
    const names = software.map((s) => s.name);
    return names.some((n) => CHOCOLATEY.test(n)) && !names.some((n) => WINGET.test(n)) ? 'choco' : 'winget';
  }
  if (platform === 'macos' || family === 'macos' || family === 'darwin' || /^mac ?os|os x/i.test(osName)) return 'brew';
  if (platform && platform !== 'linux' && platform !== 'other') return null; // network devices, printers
  for (const [pattern, manager] of BY_OS_NAME) {
    if (pattern.test(osName)) return manager === 'rpm' ? rpmManager(osName, device.osVersion) : manager;
  }
  if (platform === 'linux' || family === 'linux') {
    for (const [pattern, manager] of BY_SOFTWARE) if (software.some((s) => pattern.test(s.name))) return manager;
  }
  return null;
}
