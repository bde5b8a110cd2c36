// configs/sources: Juniper Junos. `display set` gives one self-contained line per setting,
// which diffs and compliance rules handle better than the brace hierarchy.
import type { ConfigSource } from '../types';
import { execText, trimBlankLines } from './output';

const COMMAND = 'show configuration | display set';
const JUNOS_ERROR = /^error:|^syntax error|^unknown command|^\^$/i;

export const junosSource: ConfigSource = {
  platform: 'junos',
  describe: 'exec: show configuration | display set',

  async fetch(session, opts) {
    const text = await execText(session, COMMAND, opts, JUNOS_ERROR);
    if (!text.split('\n').some((l) => l.startsWith('set '))) {
      throw new Error(`${COMMAND}: the answer has no "set" line: is this a Junos device, and may the account view the configuration?`);
    }
    return { text: trimBlankLines(text), source: COMMAND };
  },
};
