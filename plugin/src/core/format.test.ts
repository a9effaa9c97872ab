import { ageOf, humanDuration, keyValues, orNone, table } from './format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [-5 * S, '0s'],
    [1999, '1s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 5 * S, '2m5s'],
    [10 * M + 5 * S, '10m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [3 * H + 7 * M, '3h7m'],
    [8 * H + 7 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [3 * D + 5 * H, '3d5h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [800 * D, '2y70d'],
  ])('%d ms is %s', (ms, text) => expect(humanDuration(ms)).toBe(text));

  it('says <unknown> for a time not known', () => {
    expect(ageOf(undefined, 0)).toBe('<unknown>');
    expect(ageOf(1_000, 61_000)).toBe('60s');
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell plus three spaces', () => {
    expect(
      table(
        ['NAME', 'IN USE'],
        [
          ['default-pool', '2'],
          ['x', ''],
        ],
      ),
    ).toEqual(['NAME           IN USE', 'default-pool   2', 'x']);
  });
});

describe('keyValues', () => {
  it('aligns values after the longest key, two spaces past its colon', () => {
    expect(
      keyValues(
        [
          ['Name', 'web'],
          ['Sharing Key', ''],
          ['IPs', 'a'],
        ],
        '  ',
      ),
    ).toEqual(['  Name:         web', '  Sharing Key:', '  IPs:          a']);
  });

  it('joins items, or says none', () => {
    expect(orNone([])).toBe('<none>');
    expect(orNone(['a', 'b'])).toBe('a, b');
  });
});
