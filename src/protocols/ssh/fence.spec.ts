import { execFileSync } from 'node:child_process';
import { afterFence, FENCE, fenced } from './fence';
import { LOGIN_SHELLS } from './fixtures/login-shells';

describe('fenced commands', () => {
  it('prints the fence, then hands the command to /bin/sh as one quoted word', () => {
    expect(fenced('hostname')).toBe(`printf '%s\\n' ${FENCE}; exec /bin/sh -c hostname`);
    expect(fenced("for f in a b; do printf '%s\\n' \"$f\"; done")).toBe(`printf '%s\\n' ${FENCE}; exec /bin/sh -c 'for f in a b; do printf '\\''%s'\\\\'n'\\'' "$f"; done'`);
    expect(() => fenced('echo a\necho b')).toThrow('a fenced command is one line');
  });

  it.each(LOGIN_SHELLS)('runs under %s as the login shell: the fence, then the command\'s own output and exit status', (shell) => {
    const cmd = fenced("for f in a b; do printf '%s=%s\\n' \"$f\" \"$(echo it\\'s)\"; done; exit 3");
    let out = '';
    let status = 0;
    try {
      execFileSync(shell, ['-c', `echo 'Welcome!'; ${cmd}`], { encoding: 'utf8' });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
      status = (err as { status: number }).status;
    }
    expect(status).toBe(3);
    expect(afterFence(out)).toBe("a=it's\nb=it's\n");
  });

  it.each([
    ['no greeting', `${FENCE}\nweb01\n`, 'web01\n'],
    ['a greeting', `Welcome to web01!\nLast backup: Sun Nov 29\n${FENCE}\nweb01\n`, 'web01\n'],
    ['a greeting without its newline', `Hello${FENCE}\nweb01\n`, 'web01\n'],
    ['nothing after it', `${FENCE}\n`, ''],
    ['the fence again in the output', `${FENCE}\n${FENCE}\n`, `${FENCE}\n`],
  ])('keeps only the command\'s own output after %s', (_, stdout, own) => {
    expect(afterFence(stdout)).toBe(own);
  });

  it('says null when no fence came (the shell never ran the command as given)', () => {
    expect(afterFence('web01\n')).toBeNull();
    expect(afterFence(fenced('hostname'))).toBeNull();
  });
});
