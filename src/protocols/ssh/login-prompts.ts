// protocols/ssh: what the client answers when a server logs a password in through keyboard-
// interactive prompts (PAM's conversation, relayed one request at a time): the password to
// every prompt that asks for it, nothing to an expired password's change, and an end to a
// conversation that would otherwise go on until the login timed out.

/** Whether a keyboard-interactive request is PAM changing an expired password ("Current password:", "New password:"). */
export function asksForNewPassword(prompts: Array<{ prompt: string }>, instructions = ''): boolean {
  return [instructions, ...prompts.map((p) => p.prompt)].some((t) => /\b(new|current|old) (unix )?password\b|\(current\)|change your password|password (has )?expired/i.test(t));
}

/** a prompt for the password ("Password: ", "LDAP Password: ", "Password for alice@CORP.EXAMPLE: ") */
const PASSWORD_PROMPT = /password/i;
/**
 * A second factor's prompt: Duo's "Passcode or option (1-3):", SecurID's "Enter PASSCODE:",
 * pam_oath's "One-time password (OATH) for `alice':". The credential's password is no answer to
 * them: given, it went to the second factor's service (Duo's cloud) as a failed code, at every
 * scan, towards locking the account there.
 */
const SECOND_FACTOR_PROMPT = /passcode|one[- ]?time|\bOTP\b|verification|token|option \(/i;
/**
 * What a server says before asking again when the answer was wrong: Linux-PAM's "Sorry, try
 * again.", sshd's and appliances' "Permission denied", "Login incorrect", "Access denied"
 * (OpenSSH puts PAM's messages in front of the next prompt).
 */
const WRONG_ANSWER = /sorry|try again|incorrect|denied|wrong password|invalid (password|login|credentials)|authentication fail/i;

export const LOGIN_PROMPT_LIMITS = {
  /**
   * Password answers in one keyboard-interactive attempt. A PAM stack asks once per module
   * that prompts: pam_unix and then pam_sss, pam_ldap or pam_krb5 without use_first_pass ask
   * twice, with the same "Password: " or each its own. A server that keeps asking without
   * saying why gets no more than this: each answer may be one more failure on record
   * (pam_faillock locks the account after a few).
   */
  passwords: 3,
  /** Requests of any kind in one attempt: an empty request carrying a banner, a second factor's prompt, the passwords. */
  rounds: 8,
};

type Stop = 'wrong' | 'passwords' | 'rounds';

/**
 * One login's keyboard-interactive conversation, request by request: the password goes to
 * each prompt that asks for it, an empty answer to any other (a one-time code the credential
 * does not have), and the conversation stops when the server asks for a new password, says
 * the password was wrong and asks again, or goes past LOGIN_PROMPT_LIMITS.
 */
export class LoginPrompts {
  private rounds = 0;
  private given = 0;
  private stopped?: Stop;
  /** the last request's title and instructions: a banner a server repeats with each request is no news */
  private said = '';

  constructor(private readonly password: string | undefined) {}

  /** A new keyboard-interactive attempt (ssh2's authHandler chose the method again): the counts start over. */
  restart(): void {
    this.rounds = 0;
    this.given = 0;
    this.stopped = undefined;
    this.said = '';
  }

  /** The answers to one request; 'expired' when it asks for a new password; 'stop' when the login should end here (refusal() says why). */
  answer(prompts: Array<{ prompt: string; echo?: boolean }>, instructions = '', name = ''): string[] | 'expired' | 'stop' {
    if (asksForNewPassword(prompts, instructions)) return 'expired';
    this.rounds++;
    // a prompt whose answer the server shows as it is typed (echo) is never for a password
    const wants = prompts.map((p) => this.password !== undefined && !p.echo && PASSWORD_PROMPT.test(p.prompt) && !SECOND_FACTOR_PROMPT.test(p.prompt));
    const asked = wants.filter(Boolean).length;
    const said = `${name}\n${instructions}`;
    const news = [said === this.said ? '' : said, ...prompts.map((p) => p.prompt)];
    this.said = said;
    if (asked && this.given && news.some((t) => WRONG_ANSWER.test(t))) return this.stop('wrong');
    if (this.given + asked > LOGIN_PROMPT_LIMITS.passwords) return this.stop('passwords');
    if (this.rounds > LOGIN_PROMPT_LIMITS.rounds) return this.stop('rounds');
    this.given += asked;
    return prompts.map((_p, i) => (wants[i] ? this.password! : ''));
  }

  /** Why the login was ended, in words, after answer() said 'stop'. */
  refusal(where: string, username: string): string {
    switch (this.stopped) {
      case 'wrong':
        return `${where} refused the password of user ${username}: it said the answer was wrong and asked again, and Teknisi does not repeat a refused password so as not to lock the account`;
      case 'passwords':
        return `${where} refused the password of user ${username}: it asked for it more than ${LOGIN_PROMPT_LIMITS.passwords} times in one login, and Teknisi gives it no more often so as not to lock the account`;
      default:
        return `${where} did not let user ${username} in after ${LOGIN_PROMPT_LIMITS.rounds} rounds of login prompts (keyboard-interactive)`;
    }
  }

  private stop(why: Stop): 'stop' {
    this.stopped = why;
    return 'stop';
  }
}
