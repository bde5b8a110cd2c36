// Debian's Chromium as the browser specs (test/ui/) and bench/ui drive it through playwright-core:
// where it is, and the flags for a closed network, so that it makes no background calls home
// that the machine would refuse (tsconfig.build compiles test/lab/ for the benches too).
export const CHROMIUM = process.env.TEKNISI_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The browser specs' Chromium: Debian's chromium-headless-shell, the old headless mode as its own
 * program (Blink and V8 as in chromium, without the desktop browser around them), which is what
 * Playwright itself runs for headless tests. The shell spec took 111 s with it against 166 s with
 * chromium, its tests about half as long each (one run each, this 2-CPU machine). bench/ui keeps
 * CHROMIUM: it measures the browser as users run it.
 */
export const TEST_CHROMIUM = process.env.TEKNISI_TEST_CHROMIUM ?? '/usr/bin/chromium-headless-shell';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-extensions',
];

/**
 * The browser specs' Chromium on top of those: one process fewer per page and no spare ones.
 * The compositor runs in the browser process, and site isolation (one origin here, on
 * 127.0.0.1) and its spare renderers are off: the devices spec's Chromium took 132–143 s of
 * CPU against 158–160 s without (process accounting, this 2-CPU machine). Not for bench/ui,
 * which measures the browser as users run it. A second --disable-features replaces
 * Playwright's own, so this one repeats playwright-core 1.65's list before adding its three.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];
export const TEST_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--in-process-gpu', '--disable-site-isolation-trials',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, 'SpareRendererForSitePerProcess', 'site-per-process', 'IsolateOrigins'].join(',')}`,
];
