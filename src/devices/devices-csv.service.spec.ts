import { parse } from 'csv-parse/sync';
import { csvLine, neutralizeCell, unneutralizeCell } from './devices-csv.service';

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
  ])('encodes %j as %j', (cell, encoded) => {
    expect(csvLine([cell, 'x'])).toBe(`${encoded},x\n`);
  });

  it('round-trips awkward cells through the CSV parser used by the import', () => {
    const cells = ['=1+2', 'a,"b"\nc', '  spaced  ', 'ünïcödé ✓', '@x', '-3', '+4', '\ttab'];
    const text = csvLine(cells.map(neutralizeCell));
    const [back] = parse(text, { relax_quotes: false }) as string[][];
    expect(back.map(unneutralizeCell)).toEqual(cells);
  });

  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['safe=1', 'safe=1'],
    ["'quoted", "'quoted"],
  ])('neutralizes %j as %j', (cell, out) => {
    expect(neutralizeCell(cell)).toBe(out);
    expect(unneutralizeCell(neutralizeCell(cell))).toBe(cell);
  });
});
