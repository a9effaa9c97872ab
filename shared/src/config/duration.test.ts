import { parseGoDuration } from './duration';

const S = 1_000_000_000n;

/** Go's own time.ParseDuration cases, read the same. */
describe('parseGoDuration: what Go reads', () => {
  it.each<[string, bigint]>([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['0s', 0n],
    ['5s', 5n * S],
    ['30s', 30n * S],
    ['1478s', 1478n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['5.0s', 5n * S],
    ['5.6s', 5n * S + 600_000_000n],
    ['5.s', 5n * S],
    ['.5s', 500_000_000n],
    ['1.004s', S + 4_000_000n],
    ['100.00100s', 100n * S + 1_000_000n],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12µs', 12_000n],
    ['12μs', 12_000n],
    ['13ms', 13_000_000n],
    ['15m', 900n * S],
    ['16h', 57_600n * S],
    ['3h30m', 12_600n * S],
    ['1m30s', 90n * S],
    ['10.5s4m', 250n * S + 500_000_000n],
    ['-2m3.4s', -(123n * S + 400_000_000n)],
    ['1h2m3s4ms5us6ns', 3723n * S + 4_005_006n],
    ['39h9m14.425s', 140_954n * S + 425_000_000n],
    ['0.3333333333333333333h', 1200n * S],
    ['0.100000000000000000000h', 360n * S],
    ['0.830103483285477580700h', 2988n * S + 372_539_827n],
    ['9223372036854775.807us', (1n << 63n) - 1n],
    ['52763797000ns', 52_763_797_000n],
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['9223372036s854ms775us807ns', (1n << 63n) - 1n],
    ['-9223372036854775808ns', -(1n << 63n)],
  ])('%s', (text, ns) => {
    expect(parseGoDuration(text)).toEqual({ ns });
  });
});

describe('parseGoDuration: what Go refuses, and why', () => {
  it.each<[string, string]>([
    ['', 'must be a duration like 90s or 1m30s, got ""'],
    ['-', 'must be a duration like 90s or 1m30s, got "-"'],
    ['s', 'got "s"'],
    ['.', 'got "."'],
    ['-.', 'got "-."'],
    ['.s', 'got ".s"'],
    ['+.s', 'got "+.s"'],
    ['+-5s', 'got "+-5s"'],
    [' 5s', 'got " 5s"'],
    ['3', 'must be a duration like 90s or 1m30s: "3" has a number without a unit'],
    ['90', '"90" has a number without a unit'],
    ['1.5.5s', '"1.5.5s" has a number without a unit'],
    ['1d', '"d" in "1d" is no unit; the units are ns, us (µs), ms, s, m and h'],
    ['90 s', '" s" in "90 s" is no unit'],
    ['1h 30m', '"h " in "1h 30m" is no unit'],
    ['5S', '"S" in "5S" is no unit'],
    ['9223372036854775808ns', '"9223372036854775808ns" is longer than Go\'s durations can be'],
    ['-9223372036854775809ns', 'is longer than'],
    ['99999999999999999999h', 'is longer than'],
    ['2562048h', 'is longer than'],
  ])('%j', (text, message) => {
    const r = parseGoDuration(text);
    expect('error' in r && r.error).toEqual(expect.stringContaining(message));
  });
});
