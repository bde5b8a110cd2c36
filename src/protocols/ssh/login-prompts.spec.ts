import { LOGIN_PROMPT_LIMITS, LoginPrompts } from './login-prompts';

const P = 's3cret';

type Request = string[] | { prompts: string[]; instructions?: string };

/** Plays a server's keyboard-interactive requests, in order, until the client stops answering: what it answered, and how it ended. */
function converse(requests: Request[]): { answers: string[][]; end: 'answered' | 'expired' | 'stop'; refusal?: string } {
  const prompts = new LoginPrompts(P);
  const answers: string[][] = [];
  for (const r of requests) {
    const { prompts: texts, instructions } = Array.isArray(r) ? { prompts: r, instructions: '' } : r;
    const a = prompts.answer(texts.map((prompt) => ({ prompt })), instructions);
    if (a === 'stop') return { answers, end: a, refusal: prompts.refusal('h:22', 'u') };
    if (a === 'expired') return { answers, end: a };
    answers.push(a);
  }
  return { answers, end: 'answered' };
}


describe('keyboard-interactive prompts during a login', () => {
  it.each([
    ['one password prompt', [['Password: ']], [[P]]],
    ['two password prompts in one request', [['Password: ', 'LDAP Password: ']], [[P, P]]],
    // pam_unix, then pam_sss without use_first_pass: the same words twice, one request each
    ['the same prompt again in the next request (a second PAM module)', [['Password: '], ['Password: ']], [[P], [P]]],
    ['pam_unix, then pam_krb5 in its own words', [['Password: '], ['Password for alice@CORP.EXAMPLE: ']], [[P], [P]]],
    ['a banner in an empty request between the passwords, and an empty one after them', [[], ['Password: '], [], ['Password: '], []], [[], [P], [], [P], []]],
    ['as many passwords as the limit, one request each', Array.from({ length: LOGIN_PROMPT_LIMITS.passwords }, () => ['Password: ']), Array.from({ length: LOGIN_PROMPT_LIMITS.passwords }, () => [P])],
    ['a one-time code after the password gets no password', [['Password: '], ['Verification code: ']], [[P], ['']]],
    ['a password and a code in one request', [['Password: ', 'Verification code: ']], [[P, '']]],
    // second factors: the password is no code, and given to them it goes to their service as a failed one
    ['Duo after the password', [['Password: '], ['Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push\n\nPasscode or option (1-2): ']], [[P], ['']]],
    ["SecurID's PASSCODE prompt", [['Enter PASSCODE: ']], [['']]],
    ["pam_oath's one-time password", [['Password: '], ["One-time password (OATH) for `alice': "]], [[P], ['']]],
  ] as Array<[string, Request[], string[][]]>)('answers %s', (_name, requests, expected) => {
    expect(converse(requests)).toEqual({ answers: expected, end: 'answered' });
  });

  it.each([
    ['asked for a new password at once', [{ prompts: ['New password: '] }], []],
    ['asked for the current one after the password (Debian PAM, chage -d 0)', [['Password: '], { prompts: ['Current password: '], instructions: 'You are required to change your password immediately (administrator enforced).' }], [[P]]],
    ['(current) UNIX password after the password (older Linux-PAM)', [['Password: '], ['(current) UNIX password: ']], [[P]]],
  ] as Array<[string, Request[], string[][]]>)('gives no password once %s', (_name, requests, answered) => {
    expect(converse(requests)).toEqual({ answers: answered, end: 'expired' });
  });

  it('does not repeat a password the server said was wrong', () => {
    expect(converse([['Password: '], ['Sorry, try again.\nPassword: ']])).toEqual({
      answers: [[P]], end: 'stop',
      refusal: 'h:22 refused the password of user u: it said the answer was wrong and asked again, and Teknisi does not repeat a refused password so as not to lock the account',
    });
    expect(converse([['Password: '], { prompts: ['Password: '], instructions: 'Permission denied, please try again.' }])).toMatchObject({ answers: [[P]], end: 'stop' });
    // a banner the server repeats with each request says nothing of the answer
    const banner = 'Access denied to unauthorized users.';
    expect(converse([{ prompts: ['Password: '], instructions: banner }, { prompts: ['LDAP Password: '], instructions: banner }])).toEqual({ answers: [[P], [P]], end: 'answered' });
  });

  it('stops a server that keeps asking for the password without saying why', () => {
    const n = LOGIN_PROMPT_LIMITS.passwords;
    expect(converse(Array.from({ length: 10 }, () => ['Password: ']))).toEqual({
      answers: Array.from({ length: n }, () => [P]), end: 'stop',
      refusal: `h:22 refused the password of user u: it asked for it more than ${n} times in one login, and Teknisi gives it no more often so as not to lock the account`,
    });
    // two at a time: the request that would go past the limit gets none of them
    expect(converse([['Password: ', 'Password: '], ['Password: ', 'Password: ']]).answers).toEqual([[P, P]]);
  });

  it('stops a conversation that goes on without passwords', () => {
    const n = LOGIN_PROMPT_LIMITS.rounds;
    expect(converse(Array.from({ length: 50 }, () => ['Verification code: ']))).toEqual({
      answers: Array.from({ length: n }, () => ['']), end: 'stop', refusal: `h:22 did not let user u in after ${n} rounds of login prompts (keyboard-interactive)`,
    });
  });

  it('starts the counts over with a new keyboard-interactive attempt', () => {
    const prompts = new LoginPrompts(P);
    for (let i = 0; i < LOGIN_PROMPT_LIMITS.passwords; i++) expect(prompts.answer([{ prompt: 'Password: ' }])).toEqual([P]);
    expect(prompts.answer([{ prompt: 'Password: ' }])).toBe('stop');
    prompts.restart();
    expect(prompts.answer([{ prompt: 'Password: ' }])).toEqual([P]);
  });

  it('answers nothing but empty text without a password (a key-only credential)', () => {
    expect(new LoginPrompts(undefined).answer([{ prompt: 'Password: ' }])).toEqual(['']);
  });
});

describe('a prompt the server echoes as it is typed', () => {
  it('never gets the password, whatever its words', () => {
    const prompts = new LoginPrompts(P);
    expect(prompts.answer([{ prompt: 'Password (shown as you type): ', echo: true }, { prompt: 'Password: ', echo: false }])).toEqual(['', P]);
  });
});
