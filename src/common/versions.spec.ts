import { compareVersions } from './versions';

describe('compareVersions', () => {
  it.each([
    // numbers as numbers
    ['1.9', '1.10'], ['2.0', '10.0'], ['10.0.19045.4412', '10.0.22631.3447'], ['1.0', '1.0.1'],
    // a pre-release before its release (before: rc1 and beta2 above 2024.1.0)
    ['2024.1.0-rc1', '2024.1.0'], ['2024.1.0-beta2', '2024.1.0-rc1'], ['1.0-alpha', '1.0-beta'], ['1.0b2', '1.0'], ['3.12.0rc1', '3.12.0'],
    ['1.0-rc1', '1.0.1'],
    // Debian's tilde before anything, and its revisions after the upstream version
    ['1.0.0~beta1', '1.0.0-1'], ['1.0~rc1', '1.0'], ['2.36-9', '2.36-9+deb12u9'], ['7.88.1-10+deb12u8', '7.88.1-10+deb12u10'],
    // an epoch first (before: 1:2.30-1 below 2.29-1)
    ['2.99-1', '1:2.30-1'], ['1:1.0', '2:0.1'],
    // a letter after the release (OpenSSL's patch letters)
    ['1.1.1', '1.1.1w'], ['1.1.1v', '1.1.1w'], ['1.1.1', '1.1.1a'], ['3.12.0a1', '3.12.0'], ['3.12.0a2', '3.12.0b1'],
  ])('%s is older than %s', (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
  });

  it.each([['1.0', '1.0'], ['1.0', '1.00'], ['1.0-1', '1.0.1'], ['RC1', 'rc1'], ['', '']])('%j is the same as %j', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });

  it('sorts a real spread newest first', () => {
    const spread = ['2024.1.0', '2024.1.0-rc1', '2023.12.5', '2024.1.0-beta2', '1:2023.1', '2024.1.1'];
    expect([...spread].sort((a, b) => compareVersions(b, a))).toEqual(['1:2023.1', '2024.1.1', '2024.1.0', '2024.1.0-rc1', '2024.1.0-beta2', '2023.12.5']);
  });
});
