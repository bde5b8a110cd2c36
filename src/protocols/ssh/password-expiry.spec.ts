import { asksForNewPassword, saysPasswordExpired } from './ssh.client';

// PAM's wording over keyboard-interactive, as Debian's, RHEL's and older Linux-PAM put it
describe('an expired password, told apart from an ordinary login', () => {
  it.each([
    ['Password: ', false],
    ['Password for alice@corp.example: ', false],
    ['Verification code: ', false],
    ['Passcode or option (1-3): ', false],
    ['You are required to change your password immediately (administrator enforced).\nChanging password for alice.\nCurrent password: ', true],
    ['New password: ', true],
    ['Retype new password: ', true],
    ['(current) UNIX password: ', true],
    ['Enter new UNIX password: ', true],
    ['Your password has expired. Old password: ', true],
  ])('%j → %s', (prompt, expected) => {
    expect(asksForNewPassword([{ prompt }])).toBe(expected);
  });

  it('also from the instructions of the request', () => {
    expect(asksForNewPassword([{ prompt: 'Password: ' }], 'Password expired. Change your password now.')).toBe(true);
  });

  it('reads sshd\'s refusal of every command for an account let in with an expired password', () => {
    expect(saysPasswordExpired('WARNING: Your password has expired.\nPassword change required but no TTY available.\n')).toBe(true);
    expect(saysPasswordExpired('sh: 1: uname: not found\n')).toBe(false);
  });
});
