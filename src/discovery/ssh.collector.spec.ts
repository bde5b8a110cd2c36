import { FENCE } from '../protocols/ssh/fence';
import { platformFromReply } from './ssh.collector';

const posix = (uname: string, greeting = '') => `${greeting}${FENCE}\n${uname}\n`;

describe('platform from the first reply', () => {
  it.each([
    [posix('Linux'), 'linux'],
    [posix('Darwin'), 'macos'],
    // what a greeting ~/.bashrc prints comes first, and is not the answer
    [posix('Linux', 'Welcome to web01 (Darwin build host)\nDarwin\n'), 'linux'],
    [posix('Darwin', 'Last login: never'), 'macos'],
    ["'printf' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 'windows'],
    [`printf : The term 'printf' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\r\nAt line:1 char:1\r\n+ printf '%s\\n' ${FENCE}; uname -s\r\n`, 'windows'],
    ["printf: The term 'printf' is not recognized as a name of a cmdlet, function, script file, or executable program.\r\n", 'windows'],
    [posix('MINGW64_NT-10.0-19045'), 'windows'],
    [posix('CYGWIN_NT-10.0-22631'), 'windows'],
    [`\nprintf '%s\\n' ${FENCE}; uname -s\n^\n% Invalid input detected at '^' marker.\n\n`, 'cisco-ios'],
    // NX-OS (its SSH server calls itself OpenSSH, so the probe is asked)
    [`printf '%s\\n' ${FENCE}; uname -s\n                     ^\n% Invalid command at '^' marker.\n`, 'cisco-ios'],
    [posix('FreeBSD'), null],
    // a Linux answer without the fence is not a shell that ran the probe as given
    ['Linux\n', null],
    ['', null],
    ['Welcome to the appliance shell. Type help.\n', null],
    // a login greeting that names other systems is not the answer: only what follows the fence is
    [posix('Linux', 'Cisco IOS Software, Version 15.2 lab image\n% Invalid input detected at \'^\' marker.\nDarwin\n'), 'linux'],
    [posix('Darwin', '*** Linux build farm: ssh build01 ***\n'), 'macos'],
    // an IOS exec banner that names Linux, then IOS's refusal of the probe
    [`\n*** Access to Linux jump host 192.0.2.9 only ***\nLinux\n\nprintf '%s\\n' ${FENCE}; uname -s\n^\n% Invalid input detected at '^' marker.\n`, 'cisco-ios'],
  ])('%j → %s', (reply, platform) => {
    expect(platformFromReply(reply)).toBe(platform);
  });
});

describe('platform from the first reply of a Windows machine in another language', () => {
  const probe = `printf '%s\\n' ${FENCE}; exec /bin/sh -c 'uname -s'`;
  it.each([
    // cmd.exe (OpenSSH's default shell) in German and in French (OEM code page: é arrives undecodable)
    ['cmd.exe, German', 'Der Befehl "printf" ist entweder falsch geschrieben oder\r\nkonnte nicht gefunden werden.\r\n', 9009],
    ['cmd.exe, French', "'printf' n'est pas reconnu en tant que commande interne\r\nou externe, un programme ex\uFFFDcutable ou un fichier de commandes.\r\n", 9009],
    ['Windows PowerShell, German', `printf : Die Benennung "printf" wurde nicht als Name eines Cmdlet, einer Funktion, einer Skriptdatei oder eines ausf\u00fchrbaren Programms erkannt. \u00dcberpr\u00fcfen Sie die Schreibweise des Namens, oder ob der Pfad korrekt ist (sofern enthalten), und wiederholen Sie den Vorgang.\r\nIn Zeile:1 Zeichen:1\r\n+ ${probe}\r\n+ ~~~~~~\r\n    + CategoryInfo          : ObjectNotFound: (printf:String) [], CommandNotFoundException\r\n    + FullyQualifiedErrorId : CommandNotFoundException\r\n`, 1],
  ])('%s is Windows', (_shell, reply, code) => {
    expect(platformFromReply(reply, code)).toBe('windows');
  });

  it('takes no other exit code for cmd.exe\'s', () => {
    expect(platformFromReply('Der Befehl "printf" ist entweder falsch geschrieben oder\r\nkonnte nicht gefunden werden.\r\n', 127)).toBeNull();
    expect(platformFromReply(posix('Linux'), 0)).toBe('linux');
  });
});
