import { redisOptions } from './redis.module';

describe('redisOptions', () => {
  it('connects to an IPv6 host without the brackets its URL needs', () => {
    expect(redisOptions('redis://[::1]:6380/2')).toMatchObject({ host: '::1', port: 6380, db: 2 });
    expect(redisOptions('redis://[2001:db8::5]')).toMatchObject({ host: '2001:db8::5', port: 6379, db: 0 });
  });

  it('reads a host name, user, password and database as they are written', () => {
    expect(redisOptions('rediss://queue%40ops:p%3Ass@cache.example:6390/3')).toMatchObject({
      host: 'cache.example', port: 6390, username: 'queue@ops', password: 'p:ss', db: 3, tls: {},
    });
  });
});
