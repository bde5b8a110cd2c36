// configs/sources: Cisco NX-OS. NX-OS accepts exec channels; its configuration has no final
// `end`, so completeness rests on the SSH client's exit status and cap.
import type { ConfigSource } from '../types';
import { cliPush } from './cli-push';
import { execText, trimBlankLines } from './output';

const COMMAND = 'show running-config';
const NXOS_ERROR = /^%|^\^$|^Syntax error/;

export const ciscoNxosSource: ConfigSource = {
  platform: 'cisco-nxos',
  describe: 'exec: show running-config; push: configure terminal … end, copy running-config startup-config (shell)',

  async fetch(session, opts) {
    const text = await execText(session, COMMAND, opts, NXOS_ERROR);
    return { text: trimBlankLines(text), source: COMMAND };
  },

  /** NX-OS has no `write memory`; `copy running-config startup-config` saves. */
  push(session, lines, opts) {
    return cliPush(session, lines, opts, { enter: 'configure terminal', leave: 'end', save: 'copy running-config startup-config' });
  },
};
