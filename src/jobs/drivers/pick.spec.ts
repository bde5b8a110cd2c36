import { pickManager } from './pick';

describe('pickManager', () => {
  it.each([
    [{ platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux', osVersion: '12.5' }, 'apt'],
    [{ platform: 'linux', osFamily: 'linux', osName: 'Ubuntu', osVersion: '22.04.4' }, 'apt'],
    [{ platform: 'linux', osName: 'Linux Mint' }, 'apt'],
    [{ platform: 'linux', osName: 'Raspbian GNU/Linux' }, 'apt'],
    [{ platform: 'linux', osName: 'Rocky Linux', osVersion: '9.3' }, 'dnf'],
    [{ platform: 'linux', osName: 'AlmaLinux', osVersion: '8.9' }, 'dnf'],
    [{ platform: 'linux', osName: 'Red Hat Enterprise Linux', osVersion: '9.4' }, 'dnf'],
    [{ platform: 'linux', osName: 'Red Hat Enterprise Linux Server', osVersion: '7.9' }, 'yum'],
    [{ platform: 'linux', osName: 'CentOS Linux', osVersion: '7' }, 'yum'],
    [{ platform: 'linux', osName: 'CentOS Linux 7 (Core)' }, 'yum'],
    [{ platform: 'linux', osName: 'CentOS Stream', osVersion: '9' }, 'dnf'],
    [{ platform: 'linux', osName: 'Fedora Linux', osVersion: '40' }, 'dnf'],
    [{ platform: 'linux', osName: 'Amazon Linux', osVersion: '2' }, 'yum'],
    [{ platform: 'linux', osName: 'Amazon Linux', osVersion: '2023' }, 'dnf'],
    [{ platform: 'linux', osName: 'Oracle Linux Server', osVersion: '8.10' }, 'dnf'],
    [{ platform: 'linux', osName: 'openSUSE Leap', osVersion: '15.5' }, 'zypper'],
    [{ platform: 'linux', osName: 'SLES', osVersion: '15-SP5' }, 'zypper'],
    [{ platform: 'linux', osName: 'Alpine Linux', osVersion: '3.19.1' }, 'apk'],
    [{ platform: 'linux', osName: 'Arch Linux' }, 'pacman'],
    [{ platform: 'linux', osName: 'Manjaro Linux' }, 'pacman'],
    [{ platform: 'macos', osFamily: 'macos', osName: 'macOS', osVersion: '14.4' }, 'brew'],
    [{ platform: 'windows', osFamily: 'windows', osName: 'Microsoft Windows 11 Pro' }, 'winget'],
    [{ platform: null, osFamily: null, osName: 'Microsoft Windows Server 2022 Standard' }, 'winget'],
    [{ platform: 'cisco-ios', osName: 'Cisco IOS' }, null],
    [{ platform: 'printer' }, null],
    [{ platform: 'linux', osName: 'Linux' }, null],
    [{}, null],
  ])('%j → %s', (device, manager) => expect(pickManager(device)).toBe(manager));

  it('falls back on the package tools the inventory lists when the OS name says nothing', () => {
    expect(pickManager({ platform: 'linux', osName: 'Linux' }, [{ name: 'bash' }, { name: 'apt' }, { name: 'dpkg' }])).toBe('apt');
    expect(pickManager({ platform: 'linux', osName: null }, [{ name: 'dnf' }, { name: 'yum' }])).toBe('dnf');
    expect(pickManager({ platform: 'linux' }, [{ name: 'apk-tools' }])).toBe('apk');
  });

  it('takes Chocolatey on Windows when the inventory lists it and not winget', () => {
    const win = { platform: 'windows', osName: 'Microsoft Windows Server 2019 Standard' };
    expect(pickManager(win, [{ name: 'Chocolatey' }, { name: '7-Zip 23.01 (x64)' }])).toBe('choco');
    expect(pickManager(win, [{ name: 'Chocolatey' }, { name: 'App Installer' }])).toBe('winget');
    expect(pickManager(win, [{ name: '7-Zip 23.01 (x64)' }])).toBe('winget');
  });
});
