import { bearerOrCookie } from './auth.guard';
import { roleAtLeast } from './roles';
import { API_TOKEN_PREFIX, newApiToken, readCookie, SESSION_COOKIE, sha256 } from './tokens';
import type { AuthedRequest } from './roles';
import type { UserRole } from './user.entity';

describe('newApiToken', () => {
  it('makes a prefixed, URL-safe, unguessable token whose hash is stored', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a.token).toMatch(/^tkn_[A-Za-z0-9_-]{43}$/);
    expect(a.token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(a.prefix).toBe(a.token.slice(0, 12));
    expect(a.hash).toBe(sha256(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.token).not.toBe(a.token);
  });
});

describe('readCookie', () => {
  it.each([
    ['teknisi_session=abc', 'abc'],
    ['theme=dark; teknisi_session=abc.def; other=1', 'abc.def'],
    ['  teknisi_session = abc ', 'abc'],
    ['teknisi_session=a%20b', 'a b'],
    ['teknisi_session=%E0%A4%A', undefined],
    ['xteknisi_session=abc', undefined],
    ['teknisi_session_old=abc', undefined],
    ['novalue; other=1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%p → %p', (header, expected) => {
    expect(readCookie(header, SESSION_COOKIE)).toBe(expected);
  });
});

describe('bearerOrCookie', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as AuthedRequest;
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer   abc' }, 'abc'],
    [{ authorization: 'Basic abc' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    [{ cookie: 'teknisi_session=xyz' }, 'xyz'],
    // an explicit Authorization header wins, even a broken one: no silent fallback to the cookie
    [{ authorization: 'Basic abc', cookie: 'teknisi_session=xyz' }, undefined],
    [{ authorization: 'Bearer abc', cookie: 'teknisi_session=xyz' }, 'abc'],
    [{}, undefined],
  ])('%p → %p', (headers, expected) => {
    expect(bearerOrCookie(req(headers))).toBe(expected);
  });
});

describe('roleAtLeast', () => {
  const roles: UserRole[] = ['viewer', 'technician', 'admin'];
  it.each(roles.flatMap((have, i) => roles.map((need, j) => [have, need, i >= j] as const)))('%s for a %s route → %p', (have, need, ok) => {
    expect(roleAtLeast(have, need)).toBe(ok);
  });
});
