// configs/sources: Cisco IOS and IOS-XE. The running configuration is read over an interactive
// shell, because IOS's SSH server often refuses a second exec channel on one connection (and
// `terminal length 0` must be in force in the same session as the `show`).
import type { ConfigSource, FetchOptions, ConfigSession } from '../types';
import { cliPush } from './cli-push';
import { assertNotCliError, assertNotEmpty, assertWithinCap, cleanOutput, capError, trimBlankLines } from './output';

const COMMAND = 'show running-config';
/** IOS errors (`% Invalid input detected at '^' marker.`, `% Authorization failed.`) and AAA refusals */
export const IOS_ERROR = /^%|^Command authorization failed|^\^$/;

/**
 * The configuration proper: from "Building configuration..." (or, without it, the first line
 * that belongs to a configuration) to the final `end`. The header lines stay in the raw text;
 * normalization drops them. A configuration without its `end` was cut short (a pager left
 * waiting, a closed session) and is refused rather than stored incomplete.
 */
export function extractIosConfig(output: string, command = COMMAND): string {
  const text = cleanOutput(output);
  assertNotEmpty(text, command);
  assertNotCliError(text, command, IOS_ERROR);
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^(?:Building configuration|Current configuration|!|version )/.test(l));
  if (start < 0) throw new Error(`${command}: the answer does not look like an IOS configuration: "${lines.find((l) => l.trim())?.trim()}"`);
  let end = lines.length - 1;
  while (end > start && lines[end].trim() !== 'end') end--;
  if (end === start) throw new Error(`${command}: the configuration has no final "end" line: the output was cut short`);
  return trimBlankLines(lines.slice(start, end + 1).join('\n'));
}

export const ciscoIosSource: ConfigSource = {
  platform: 'cisco-ios',
  describe: 'interactive shell: terminal length 0, show running-config; push: configure terminal … end, write memory',

  async fetch(session: ConfigSession, opts: FetchOptions) {
    const outputs = await session.shell(['terminal length 0', COMMAND], { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
    const raw = outputs[1] ?? '';
    if (Buffer.byteLength(raw, 'utf8') > opts.maxBytes) throw capError(COMMAND, opts.maxBytes);
    const text = extractIosConfig(raw);
    assertWithinCap(text, COMMAND, opts.maxBytes);
    return { text, source: COMMAND };
  },

  /**
   * `configure terminal`, the lines, `end`, then `write memory`: technicians expect a pushed
   * change to survive a reload, so the startup configuration is saved too.
   */
  push(session, lines, opts) {
    return cliPush(session, lines, opts, { enter: 'configure terminal', leave: 'end', save: 'write memory' });
  },
};
