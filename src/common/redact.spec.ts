import { redactSecrets, scrubSecrets, SECRET_FIELDS } from './redact';

describe('redactSecrets', () => {
  it.each(SECRET_FIELDS)('hides %s at any depth and in any letter case', (field) => {
    const input = { [field]: 's3cret', nested: { [field.toUpperCase()]: 's3cret', list: [{ [field]: 's3cret' }] } };
    const out = JSON.stringify(redactSecrets(input));
    expect(out).not.toContain('s3cret');
    expect(out.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('keeps everything else as it was', () => {
    const input = { username: 'jdoe', role: 'viewer', tags: ['a', 'b'], n: 3, none: null, nested: { host: 'pc-1' } };
    expect(redactSecrets(input)).toEqual(input);
  });

  it('passes scalars through', () => {
    expect(redactSecrets('text')).toBe('text');
    expect(redactSecrets(7)).toBe(7);
    expect(redactSecrets(null)).toBeNull();
  });

  it('caps long arrays at 50 items', () => {
    expect((redactSecrets(Array.from({ length: 80 }, (_, i) => i)) as number[]).length).toBe(50);
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret, the longest first, whatever its length', () => {
    expect(scrubSecrets('sudo: pw hunter2 and hunter2x; key x', ['hunter2', 'hunter2x', undefined, null, ''])).toBe('sudo: pw [redacted] and [redacted]; key x');
    expect(scrubSecrets('a1b', ['1'])).toBe('a[redacted]b');
  });

  it('leaves text without secrets as it was', () => {
    expect(scrubSecrets('nothing to hide', [undefined, 'absent'])).toBe('nothing to hide');
  });
});
