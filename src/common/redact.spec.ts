import { redactSecrets, SECRET_FIELDS } from './redact';

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
