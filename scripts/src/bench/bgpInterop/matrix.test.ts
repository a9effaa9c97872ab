import { interopCells } from './cells';
import { formatMatrix, type CellResult } from './matrix';

describe('formatMatrix', () => {
  const cells = interopCells(['bird', 'gobgp']);
  const results = new Map<string, CellResult>(cells.map((c) => [c.id, { status: 'ok', ms: 2345 }]));
  results.set('gobgp ipv6 md5', { status: 'FAIL', reason: 'session: session node1_v6 Active', ms: 30_100 });
  results.set('bird ipv4 gr', { status: 'n/a', reason: 'no such thing' });
  results.delete('gobgp ipv6-over-ipv4 gr');
  const text = formatMatrix(cells, results, new Map([['bird', 3000]]));
  const lines = text.split('\n');

  test('per transport, one row per router, one column per option set', () => {
    const header = lines.findIndex((l) => l.startsWith('transport'));
    expect(lines[header].split(/\s{2,}/)).toEqual([
      'transport',
      'router',
      'plain',
      'md5',
      'ibgp',
      'multihop',
      'gr',
      'bfd',
    ]);
    const rows = lines.slice(header + 1, header + 7).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['ipv4', 'bird'],
      ['', 'gobgp'],
      ['ipv6', 'bird'],
      ['', 'gobgp'],
      ['ipv6-over-ipv4', 'bird'],
      ['', 'gobgp'],
    ]);
    expect(rows[0]).toEqual(['ipv4', 'bird', 'ok 2.3s', 'ok 2.3s', 'ok 2.3s', 'ok 2.3s', 'n/a [1]', 'ok 2.3s']);
    expect(rows[3]).toEqual(['', 'gobgp', 'ok 2.3s', 'FAIL [2] 30.1s', 'ok 2.3s', 'ok 2.3s', 'ok 2.3s', 'ok 2.3s']);
    expect(rows[5].at(-2)).toBe('not run');
  });

  test('the columns line up', () => {
    const header = lines.findIndex((l) => l.startsWith('transport'));
    const at = lines[header].indexOf('md5');
    expect(lines[header + 4].slice(at, at + 4)).toBe('FAIL');
  });

  test('counts, lab start times and the reasons numbered in order', () => {
    expect(text).toContain('36 cells: 33 ok, 1 FAIL, 1 n/a, 1 not run');
    expect(text).toContain('lab start: bird 3.0s');
    expect(lines.slice(-2)).toEqual([
      '[1] bird ipv4 gr: no such thing',
      '[2] gobgp ipv6 md5: session: session node1_v6 Active',
    ]);
  });
});
