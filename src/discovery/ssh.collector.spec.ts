import { platformFromReply } from './ssh.collector';

describe('platform from the first reply', () => {
  it.each([
    ['Linux\n', 'linux'],
    ['Darwin\n', 'macos'],
    ["'uname' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 'windows'],
    ["uname : The term 'uname' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\r\nAt line:1 char:1\r\n", 'windows'],
    ["uname: The term 'uname' is not recognized as a name of a cmdlet, function, script file, or executable program.\r\n", 'windows'],
    ['MINGW64_NT-10.0-19045\n', 'windows'],
    ['CYGWIN_NT-10.0-22631\n', 'windows'],
    ["\nuname -s\n^\n% Invalid input detected at '^' marker.\n\n", 'cisco-ios'],
    ['FreeBSD\n', null],
    ['', null],
    ['Welcome to the appliance shell. Type help.\n', null],
  ])('%j → %s', (reply, platform) => {
    expect(platformFromReply(reply)).toBe(platform);
  });
});
