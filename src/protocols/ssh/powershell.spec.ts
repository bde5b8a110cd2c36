import { CMD_EXE_MAX, decodePowerShellCommand, encodePowerShell, powershellCommand, psQuote } from './powershell';

describe('powershellCommand', () => {
  it('carries the script as UTF-16LE base64 that decodes back unchanged, non-ASCII included', () => {
    const script = "Write-Output 'Kärcher 微信 🙂'; $x = \"$env:PATH\"; & cmd /c 'echo %PATH% ^& | <>'";
    const cmd = powershellCommand(script);
    expect(cmd).toMatch(/^powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/);
    expect(decodePowerShellCommand(cmd)).toBe(script);
    expect(Buffer.from(encodePowerShell('A'), 'base64')).toEqual(Buffer.from([0x41, 0]));
  });

  it('keeps the command line free of anything cmd.exe interprets', () => {
    expect(powershellCommand('"; & del C:\\ /s /q; %COMSPEC% ^ |').split(' ').pop()).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(CMD_EXE_MAX).toBe(8191);
  });
});

describe('psQuote', () => {
  it.each([
    ['plain', 'Git.Git', "'Git.Git'"],
    ['single quote doubled', "it's", "'it''s'"],
    ['typographic quotes doubled too', 'a\u2019b\u2018c', "'a\u2019\u2019b\u2018\u2018c'"],
    ['dollar and backtick stay literal inside single quotes', '$(Remove-Item C:\\) `n', "'$(Remove-Item C:\\) `n'"],
    ['newline kept', 'a\nb', "'a\nb'"],
    ['empty', '', "''"],
  ])('%s', (_n, value, quoted) => expect(psQuote(value)).toBe(quoted));

  it('refuses NUL', () => expect(() => psQuote('a\0b')).toThrow(/NUL/));
});
