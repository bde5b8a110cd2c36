// configs/sources: Arista EOS. EOS accepts exec channels, so the configuration is one exec;
// pushing needs configuration mode across lines and uses a shell.
import type { ConfigSource } from '../types';
import { cliPush } from './cli-push';
import { execText, trimBlankLines } from './output';

const COMMAND = 'show running-config';
const EOS_ERROR = /^%/;

export const eosSource: ConfigSource = {
  platform: 'eos',
  describe: 'exec: show running-config; push: configure terminal … end, write memory (shell)',

  async fetch(session, opts) {
    const text = await execText(session, COMMAND, opts, EOS_ERROR);
    const lines = text.split('\n');
    if (!lines.some((l) => l.trim() === 'end')) throw new Error(`${COMMAND}: the configuration has no final "end" line: the output was cut short`);
    return { text: trimBlankLines(text), source: COMMAND };
  },

  /** Like IOS: the lines in configuration mode, then `write memory` so that a reload keeps them. */
  push(session, lines, opts) {
    return cliPush(session, lines, opts, { enter: 'configure terminal', leave: 'end', save: 'write memory' });
  },
};
