// The order jest hands spec files to its three workers. Jest's own order is files that failed
// last time, then the slowest first by its cache, or the largest when it has none (a fresh
// clone, as in CI): there the three largest files are browser specs, started together, and
// three Chromiums on two CPUs slowed each past its tests' time limits, while the longest lab
// specs (small files) started late. So: the files known to be long first, longest first (their
// seconds in a fresh-clone run on a 2-CPU machine, a hint only), then jest's order; and the
// browser specs (test/ui/) spread between the others, so that about two run at once.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const KNOWN_SECONDS = {
  'test/ui/jobs-lab.e2e-spec.ts': 180, 'test/ui/discovery.e2e-spec.ts': 164, 'test/ui/a11y.e2e-spec.ts': 163,
  'test/ui/devices.e2e-spec.ts': 120, 'test/jobs-lab.e2e-spec.ts': 107, 'test/jobs-workers.e2e-spec.ts': 94,
  'test/ui/dashboard.e2e-spec.ts': 74, 'test/ssh-collect.e2e-spec.ts': 72, 'test/scans.e2e-spec.ts': 66,
  'test/ui/admin.e2e-spec.ts': 63, 'test/ui/configs.e2e-spec.ts': 60, 'test/agent-linux.e2e-spec.ts': 50,
  'test/jobs.e2e-spec.ts': 43, 'test/ui/shell.e2e-spec.ts': 36,
};

const root = path.resolve(__dirname, '../..');
const known = (test) => KNOWN_SECONDS[path.relative(root, test.path).split(path.sep).join('/')] ?? 0;
const isBrowserSpec = (test) => /[\\/]test[\\/]ui[\\/]/.test(test.path);

class SpreadBrowserSpecs extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: files without a hint keep jest's order after the others
    const ordered = super.sort(tests).sort((a, b) => known(b) - known(a));
    const browser = ordered.filter(isBrowserSpec);
    const others = ordered.filter((t) => !isBrowserSpec(t));
    const out = [];
    while (browser.length || others.length) {
      if (browser.length) out.push(browser.shift());
      if (others.length) out.push(others.shift());
    }
    return out;
  }
}

module.exports = SpreadBrowserSpecs;
