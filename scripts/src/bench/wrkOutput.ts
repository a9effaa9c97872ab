/** wrk's summary, read from its text output (wrk 4.x prints no machine-readable form without a Lua script). Pure. */

export interface WrkSummary {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSec: number;
  /** Mean latency in ms, from the `Latency` row. */
  readonly latencyMs: number;
  /** Socket errors (connect + read + write + timeout) and responses that were not 2xx or 3xx. */
  readonly errors: number;
  readonly non2xx: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function number(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${what} in wrk's output:\n${text.slice(0, 1000)}`);
  return m;
}

export function parseWrk(text: string): WrkSummary {
  const total = number(text, /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),/m, 'request count');
  const rate = number(text, /^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec');
  const latency = number(text, /^\s*Latency\s+([\d.]+)(us|ms|s|m|h)\s/m, 'Latency row');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: (Number(total[2]) * UNIT_MS[total[3]]) / 1000,
    requestsPerSec: Number(rate[1]),
    latencyMs: Number(latency[1]) * UNIT_MS[latency[2]],
    errors: socket ? socket.slice(1, 5).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}
