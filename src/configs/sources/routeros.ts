// configs/sources: MikroTik RouterOS. `/export terse` prints each setting on one line (no "\"
// continuations). RouterOS 7 hides sensitive values unless asked for `show-sensitive`, which
// Teknisi never asks for; RouterOS 6 prints them, and normalization masks them.
import type { ConfigSource } from '../types';
import { execText, trimBlankLines } from './output';

const COMMAND = '/export terse';
const ROUTEROS_ERROR = /^(?:bad command name|expected |syntax error|no such item|failure:|not enough permissions)/i;

export const routerosSource: ConfigSource = {
  platform: 'routeros',
  describe: 'exec: /export terse',

  async fetch(session, opts) {
    const text = await execText(session, COMMAND, opts, ROUTEROS_ERROR);
    return { text: trimBlankLines(text), source: COMMAND };
  },
};
