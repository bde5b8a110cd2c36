import { BadRequestException } from '@nestjs/common';
import { likeContains, PageQuery, parseSort, sortValues } from './pagination';
import { validationPipe } from './validation';

const ALLOWED = { hostname: 'd.hostname', lastSeen: 'd.last_seen' };

describe('parseSort', () => {
  it.each([
    ['hostname', { column: 'd.hostname', direction: 'ASC' }],
    ['-hostname', { column: 'd.hostname', direction: 'DESC' }],
    ['lastSeen', { column: 'd.last_seen', direction: 'ASC' }],
    ['-lastSeen', { column: 'd.last_seen', direction: 'DESC' }],
    [undefined, { column: 'd.last_seen', direction: 'DESC' }],
  ])('%p → %p', (raw, expected) => {
    expect(parseSort(raw, ALLOWED, '-lastSeen')).toEqual(expected);
  });

  it.each(['serial', '--hostname', 'hostname; DROP TABLE devices', '', '-', 'HOSTNAME', 'd.hostname', '__proto__', '-__proto__', 'constructor', '-toString', 'valueOf', 'hasOwnProperty'])('refuses %p with a 400 naming sort', (raw) => {
    let err: unknown;
    try {
      parseSort(raw, ALLOWED, '-lastSeen');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRequestException);
    const body = (err as BadRequestException).getResponse() as { message: string; details: Array<{ field: string; messages: string[] }> };
    expect(body.message).toBe('sort must be one of hostname, -hostname, lastSeen, -lastSeen');
    expect(body.details).toEqual([{ field: 'sort', messages: [body.message] }]);
  });
});

describe('sortValues', () => {
  it('lists each field both ways', () => {
    expect(sortValues(ALLOWED)).toEqual(['hostname', '-hostname', 'lastSeen', '-lastSeen']);
    expect(sortValues({})).toEqual([]);
  });
});

describe('likeContains', () => {
  it.each([
    ['pc', '%pc%'],
    ['100%', '%100\\%%'],
    ['a_b', '%a\\_b%'],
    ['C:\\Users', '%C:\\\\Users%'],
    ['', '%%'],
  ])('%p → %p', (text, expected) => {
    expect(likeContains(text)).toBe(expected);
  });
});

describe('PageQuery through the global validation pipe', () => {
  const pipe = validationPipe();
  const parse = (value: Record<string, unknown>) => pipe.transform(value, { type: 'query', metatype: PageQuery });

  it('defaults to page 1 of 50', async () => {
    expect(await parse({})).toMatchObject({ page: 1, limit: 50 });
  });

  it('turns query strings into numbers', async () => {
    expect(await parse({ page: '3', limit: '500' })).toMatchObject({ page: 3, limit: 500 });
  });

  it.each([
    [{ page: '0' }, 'page'],
    [{ page: '-2' }, 'page'],
    [{ page: 'two' }, 'page'],
    [{ page: '2000000' }, 'page'],
    [{ limit: '501' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ offset: '10' }, 'offset'],
  ])('refuses %p naming %s', async (query, field) => {
    const err = await parse(query).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    const body = (err as BadRequestException).getResponse() as { details: Array<{ field: string }> };
    expect(body.details.map((d) => d.field)).toEqual([field]);
  });
});
