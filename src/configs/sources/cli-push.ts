// configs/sources: pushing configuration lines to a Cisco-style CLI (IOS, EOS, NX-OS) over one
// interactive shell: configuration mode, the lines in order, back out, save.
import type { ConfigSession, PushResult } from '../types';
import { cleanOutput } from './output';

/**
 * The device's answers that mean "this line was not applied". Other `%` lines are warnings
 * ("% Interface … IP address removed due to enabling VRF") and only go to the transcript.
 */
const REJECTED = /^%\s*(?:Invalid (?:input|command|parameter)|Incomplete command|Ambiguous command|Unknown command|Unrecognized command|Authorization failed|Error|Bad |Permission denied)|^Command (?:authorization|rejected)/i;

/** How the transcript shows a command sent, and how an error entry joins a line to the device's refusal. */
export const ECHO = '> ';
export const REFUSAL = ' → ';

export interface CliPushPlan {
  enter: string;
  leave: string;
  /** the command that writes the running configuration to the startup configuration */
  save: string;
}

/**
 * Sends `enter`, each line and `leave` in one shell, so that configuration mode lasts across
 * the lines; a line's children follow it as they would be typed. A rejected line does not stop
 * the rest (the CLI stays in its mode), it becomes an error entry "line → message". When
 * configuration mode itself is refused, the lines reach the exec prompt, where they are rejected
 * too; that refusal is the first error entry. `save` follows, in a shell of its own, only when
 * the device took every line: a refused parent (`address-family ipv4 vrf X` without the VRF)
 * leaves its children applied in the context above it, and saving would keep that across a
 * reload; unsaved, the running configuration shows it and a reload undoes it.
 */
export async function cliPush(
  session: ConfigSession,
  lines: string[],
  opts: { timeoutMs: number; maxBytes: number },
  plan: CliPushPlan,
): Promise<PushResult> {
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new Error(`a configuration line cannot contain a line break: ${JSON.stringify(line)}`);
  }
  const transcript: string[] = [];
  const errors: string[] = [];
  const send = async (commands: string[]) => {
    const outputs = await session.shell(commands, { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
    commands.forEach((command, i) => {
      const answer = cleanOutput(outputs[i] ?? '').split('\n').filter((l) => l.trim() !== '');
      transcript.push(`${ECHO}${command}`, ...answer);
      const rejected = answer.find((l) => REJECTED.test(l.trim()));
      if (rejected !== undefined) errors.push(`${command.trim()}${REFUSAL}${rejected.trim()}`);
    });
  };
  await send([plan.enter, ...lines, plan.leave]);
  if (errors.length) transcript.push(`[not saved (${plan.save}): the device refused ${errors.length} of the lines; what it took is in the running configuration only, until a reload]`);
  else await send([plan.save]);
  return { transcript: transcript.join('\n') + '\n', errors };
}
