import { LoginSteps } from './ssh.client';

/** Plays a server: each entry is what it answers to the method just tried (the methods it still takes, and partial success). */
function play(has: { key: boolean; password: boolean }, answers: Array<[string[], boolean]>): { tried: string[]; steps: LoginSteps } {
  const steps = new LoginSteps(has);
  const tried: string[] = [];
  let m = steps.next(null, null);
  for (const [left, partial] of answers) {
    tried.push(String(m));
    m = steps.next(left, partial);
    if (m === false) break;
  }
  if (m !== false) tried.push(String(m));
  return { tried, steps };
}

describe('SSH login steps', () => {
  it.each([
    ['a key and a password, the key passes at once', { key: true, password: true }, [[['publickey', 'password'], false]], ['none', 'publickey']],
    ['a password where sshd takes passwords', { key: false, password: true }, [[['publickey', 'password'], false]], ['none', 'password']],
    ['a password where PAM asks for it', { key: false, password: true }, [[['publickey', 'keyboard-interactive'], false]], ['none', 'keyboard-interactive']],
    ['a wrong password where sshd takes both ways: each tried once', { key: false, password: true }, [[['password', 'keyboard-interactive'], false], [['password', 'keyboard-interactive'], false], [['password', 'keyboard-interactive'], false]], ['none', 'password', 'keyboard-interactive']],
    ['the key and then the password (AuthenticationMethods publickey,password)', { key: true, password: true }, [[['publickey'], false], [['password'], true]], ['none', 'publickey', 'password']],
    ['a server that names no method', { key: true, password: true }, [[[], false], [[], false], [[], false]], ['none', 'publickey', 'password', 'keyboard-interactive']],
  ] as Array<[string, { key: boolean; password: boolean }, Array<[string[], boolean]>, string[]]>)('%s', (_name, has, answers, expected) => {
    expect(play(has, answers).tried).toEqual(expected);
  });

  it.each([
    ['wrong password', { key: false, password: true }, [[['publickey', 'password'], false], [['publickey', 'password'], false]], 'h:22 refused the login of user u (tried password)'],
    ['no method in common', { key: false, password: true }, [[['publickey'], false]], 'h:22 refused the login of user u: the credential has a password, the server takes public key'],
    ['second step missing', { key: true, password: false }, [[['publickey'], false], [['password'], true]], 'h:22 accepted the public key of user u and then wants another login step (password), which the credential does not have'],
    ['second step refused', { key: true, password: true }, [[['publickey'], false], [['password'], true], [['password'], false]], 'h:22 accepted the public key of user u and then refused the next login step (tried password)'],
  ] as Array<[string, { key: boolean; password: boolean }, Array<[string[], boolean]>, string]>)('says why: %s', (_name, has, answers, message) => {
    expect(play(has, answers).steps.failure('h:22', 'u')).toBe(message);
  });
});
