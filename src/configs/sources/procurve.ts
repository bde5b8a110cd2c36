// configs/sources: HP/Aruba ProCurve (ArubaOS-Switch). Its SSH server offers only a menu-ish
// interactive shell that pages and paints with VT100 escapes; `no page` stops the paging and
// the escapes are stripped.
import type { ConfigSource } from '../types';
import { assertWithinCap, shellText, trimBlankLines } from './output';

const COMMAND = 'show running-config';
const PROCURVE_ERROR = /^Invalid input|^Ambiguous input|^Incomplete input|^Permission denied/i;

export const procurveSource: ConfigSource = {
  platform: 'procurve',
  describe: 'interactive shell: no page, show running-config',

  async fetch(session, opts) {
    const text = await shellText(session, ['no page', COMMAND], opts, PROCURVE_ERROR);
    const lines = text.split('\n');
    // "Running configuration:" is a heading; the configuration starts at its "; J9776A Configuration Editor" line
    const start = lines.findIndex((l) => /^; \S+ Configuration Editor;/.test(l) || l.startsWith('hostname '));
    if (start < 0) throw new Error(`${COMMAND}: the answer does not look like a ProCurve configuration`);
    const config = trimBlankLines(lines.slice(start).join('\n'));
    assertWithinCap(config, COMMAND, opts.maxBytes);
    return { text: config, source: COMMAND };
  },
};
