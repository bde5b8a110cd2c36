import { normalizeMac } from '../common/mac';
import { cleanText, isUsefulMac, isUsefulSerial, normalizedTitle } from './identity';

describe('identity', () => {
  it.each([
    ['To be filled by O.E.M.', false], ['Default string', false], ['System Serial Number', false], ['0123456789', false],
    ['00000000', false], ['FFFFFFFF', false], ['  n/a ', false], ['', false], [undefined, false], ['ab', false],
    ['5CG1234XYZ', true], ['VMware-56 4d 12 34', true], ['SN-ALPHA-1', true],
  ])('serial %j useful: %s', (serial, useful) => {
    expect(isUsefulSerial(serial as string | undefined)).toBe(useful);
  });

  it.each([
    ['00:00:00:00:00:00', false], ['ff:ff:ff:ff:ff:ff', false], ['02:42:ac:11:00:02', false], ['00:15:5d:01:02:03', false],
    ['01:00:5e:00:00:fb', false], ['ee:ee:ee:ee:ee:ee', false], ['00:16:3e:00:00:00', false], ['fe:ff:ff:ff:ff:ff', false],
    ['00:00:5e:00:01:33', false], ['00:00:5e:00:02:0a', false], ['00:00:0c:07:ac:01', false], ['00:00:0c:9f:f0:0a', false],
    ['00:07:b4:00:01:02', false], ['02:bf:0a:00:00:05', false],
    ['00:16:3e:5a:01:02', true], ['52:54:00:12:34:56', true], ['3c:52:82:aa:bb:cc', true], ['00:00:0c:9f:12:34', true], ['00:00:5e:00:53:01', true],
  ])('MAC %s useful: %s', (mac, useful) => {
    expect(isUsefulMac(mac)).toBe(useful);
  });

  it.each([
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'], ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'], ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb:cc', null], ['zz:bb:cc:dd:ee:ff', null],
  ])('normalizes MAC %j to %j', (raw, mac) => {
    expect(normalizeMac(raw)).toBe(mac);
  });

  it.each([
    ['  two  spaces ', 'two spaces'], ['nul\u0000byte', 'nul byte'], ['bell\u0007', 'bell'], ['\u0000', undefined],
    [null, undefined], [42, '42'], ['<b>html</b>', '<b>html</b>'],
  ])('cleans %j to %j', (raw, out) => {
    expect(cleanText(raw)).toBe(out);
  });

  it('caps long values', () => {
    expect(cleanText('x'.repeat(70_000), 255)).toHaveLength(255);
  });

  it.each([
    ['lone \uD800 high', 'lone \uFFFD high'], ['lone \uDC00 low', 'lone \uFFFD low'], ['\uDC00\uD800', '\uFFFD\uFFFD'],
    ['pair \u{1F600} kept', 'pair \u{1F600} kept'],
  ])('makes %j well-formed as %j, as the database would store it', (raw, out) => {
    expect(cleanText(raw)).toBe(out);
  });

  it.each([
    ['Invoice\u202Eexe.pdf', 'Invoiceexe.pdf'], ['\u2066pc-01\u2069', 'pc-01'], ['a\u202A\u202B\u202C\u202Db', 'ab'],
    ['\u05E9\u05DC\u05D5\u05DD tool', '\u05E9\u05DC\u05D5\u05DD tool'], ['mark\u200F kept', 'mark\u200F kept'],
  ])('drops bidirectional overrides from %j, keeping right-to-left text: %j', (raw, out) => {
    expect(cleanText(raw)).toBe(out);
  });

  it('caps a long value without cutting a character in two', () => {
    expect(cleanText(`${'x'.repeat(254)}\u{1F600}`, 255)).toBe('x'.repeat(254));
    expect(cleanText(`${'x'.repeat(253)}\u{1F600}`, 255)).toBe(`${'x'.repeat(253)}\u{1F600}`);
  });

  it('keys a title in lower case within its column, also when lower case is longer', () => {
    expect(normalizedTitle('Mozilla Firefox (x64 en-US)')).toBe('mozilla firefox (x64 en-us)');
    const dotted = normalizedTitle(`İ${'X'.repeat(254)}`);
    expect(dotted).toHaveLength(255);
    expect(dotted.startsWith('i\u0307xx')).toBe(true);
    expect(normalizedTitle(`${'a'.repeat(254)}\u{1F600}`)).toBe('a'.repeat(254)); // not half an emoji
  });
});
