import { parseWrk } from './wrkOutput';

const CLEAN = `Running 10s test @ http://203.0.113.18:8080/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  310.22us  12.04ms   91.25%
    Req/Sec    10.52k   612.40    11.30k    82.00%
  104702 requests in 10.00s, 11.98MB read
Requests/sec:  10468.31
Transfer/sec:      1.20MB
`;

const FAILING = `Running 2s test @ http://198.51.100.200/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   850.00us    1.20ms   1.01s    99.10%
    Req/Sec     3.10k   400.00     3.90k    70.00%
  6120 requests in 2.00s, 700.00KB read
  Socket errors: connect 3, read 12, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   3059.80
Transfer/sec:    349.90KB
`;

describe('parseWrk', () => {
  it('reads the totals, the rate and the mean latency of a clean run', () => {
    expect(parseWrk(CLEAN)).toEqual({
      requests: 104702,
      seconds: 10,
      requestsPerSec: 10468.31,
      latencyMs: 1.52,
      errors: 0,
      non2xx: 0,
    });
  });

  it('adds up socket errors, counts non-2xx responses, and reads latency in microseconds', () => {
    const s = parseWrk(FAILING);
    expect(s.errors).toBe(16);
    expect(s.non2xx).toBe(7);
    expect(s.latencyMs).toBeCloseTo(0.85, 10);
    expect(s.seconds).toBe(2);
    expect(s.requestsPerSec).toBe(3059.8);
  });

  it('fails with the output when wrk printed no summary', () => {
    expect(() => parseWrk('unable to connect to 198.51.100.200:80 Connection refused\n')).toThrow(
      /no request count in wrk's output:\nunable to connect/,
    );
  });
});
