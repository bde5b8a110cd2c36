// configs/sources: Fortinet FortiOS. `show` prints the configuration that differs from the
// defaults, as Oxidized's FortiOS model does (ytti/oxidized lib/oxidized/model/fortios.rb runs
// `show`, not `show full-configuration`, whose defaults make it several times larger and
// change with every firmware). Read over a shell like Oxidized: FortiOS's pager is answered by
// the SSH client.
import type { ConfigSource } from '../types';
import { assertWithinCap, shellText, trimBlankLines } from './output';

const COMMAND = 'show';
const FORTIOS_ERROR = /^Command fail|^Unknown action|^command parse error|^Permission denied/i;

export const fortiosSource: ConfigSource = {
  platform: 'fortios',
  describe: 'interactive shell: show',

  async fetch(session, opts) {
    const text = await shellText(session, [COMMAND], opts, FORTIOS_ERROR);
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('#config-version=') || l.startsWith('config '));
    if (start < 0) throw new Error(`${COMMAND}: the answer does not look like a FortiOS configuration`);
    const config = trimBlankLines(lines.slice(start).join('\n'));
    assertWithinCap(config, COMMAND, opts.maxBytes);
    return { text: config, source: COMMAND };
  },
};
