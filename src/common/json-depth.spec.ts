import { jsonDepthExceeds } from './json-depth';

const text = (s: string) => Buffer.from(s);
const nested = (n: number, open = '{"a":', close = '}') => `${open.repeat(n)}1${close.repeat(n)}`;

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    [nested(64), 64, false],
    [nested(65), 64, true],
    [nested(30_000), 64, true],
    [nested(65, '[', ']'), 64, true],
    // brackets inside strings, escaped quotes included, are text
    [`{"a":"${'{['.repeat(100)}"}`, 1, false],
    [`{"a":"\\"${'{'.repeat(100)}"}`, 1, false],
    [`["\\\\",${nested(3)}]`, 3, true],
    [`["\\\\",${nested(2)}]`, 3, false],
  ])('%#: %s within %i levels → exceeds %p', (body, max, exceeds) => {
    expect(jsonDepthExceeds(text(body), max)).toBe(exceeds);
  });
});
