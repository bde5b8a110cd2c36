import { afterFence, FENCE, fenced } from './fence';

describe('fenced commands', () => {
  it('prints the fence before the command, as one more command of the same shell line', () => {
    expect(fenced('hostname')).toBe(`printf '%s\\n' ${FENCE}; hostname`);
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
    expect(afterFence(`printf '%s\\n' ${FENCE}; hostname`)).toBeNull();
  });
});
