// Debian's Chromium as the browser specs (test/ui/) and bench/ui drive it through playwright-core:
// where it is, and the flags for a closed network, so that it makes no background calls home
// that the machine would refuse (tsconfig.build compiles test/lab/ for the benches too).
export const CHROMIUM = process.env.TEKNISI_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-extensions',
];
