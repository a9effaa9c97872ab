import {
  canonicalIp,
  echoClientArgv,
  echoOutcome,
  echoServerArgv,
  missingListeners,
  parseEchoAnswer,
  parseListeners,
  tallyResults,
  type ClientRun,
} from './echoProtocol';
import { podAddress } from './podAddresses';

const run = (o: Partial<ClientRun>): ClientRun => ({ stdout: '', stderr: '', timedOut: false, code: 0, ...o });

// What socat 1.7.4.4 printed in the lab (see echoProtocol.ts).
const TCP_REFUSED = '2026/12/02 13:06:10 socat[19283] E connect(5, AF=2 203.0.113.18:8080, 16): Connection refused\n';
const UDP_REFUSED = '2026/12/02 13:06:10 socat[19286] E read(5, 0x561082540000, 8192): Connection refused\n';
const SS = [
  'udp   UNCONN 0      0             203.0.113.19:8080 0.0.0.0:*',
  'udp   UNCONN 0      0      [2001:db8:100:1::3]:8080    [::]:*',
  'tcp   LISTEN 0      5             203.0.113.19:8080 0.0.0.0:*',
  'tcp   LISTEN 0      5      [2001:db8:100:1::3]:8080    [::]:*',
  'tcp   LISTEN 0      5                        *:9000       *:*',
  'tcp   LISTEN 0      5        [fe80::1]%eth0:9001       [::]:*',
  '',
].join('\n');

describe('echo servers and clients as data', () => {
  const pod = podAddress(2, 1);

  test('servers bind one pod address; IPv6 in brackets; each answers `<pod> $SOCAT_PEERADDR`, UDP after reading', () => {
    expect(echoServerArgv(pod, 'tcp', 4, 8080)).toEqual([
      'socat',
      'TCP4-LISTEN:8080,bind=203.0.113.35,fork,reuseaddr',
      'SYSTEM:echo pod2-1 $SOCAT_PEERADDR',
    ]);
    expect(echoServerArgv(pod, 'udp', 4, 53)).toEqual([
      'socat',
      'UDP4-RECVFROM:53,bind=203.0.113.35,fork',
      'SYSTEM:read request; echo pod2-1 $SOCAT_PEERADDR',
    ]);
    expect(echoServerArgv(pod, 'tcp', 6, 8080)[1]).toBe('TCP6-LISTEN:8080,bind=[2001:db8:100:2::3],fork,reuseaddr');
    expect(echoServerArgv(pod, 'udp', 6, 8080)[1]).toBe('UDP6-RECVFROM:8080,bind=[2001:db8:100:2::3],fork');
  });

  test('clients: TCP only reads, UDP reads and writes; TTL per family', () => {
    expect(echoClientArgv('tcp', '203.0.113.35', 8080)).toEqual(['socat', '-u', 'TCP4:203.0.113.35:8080', 'STDOUT']);
    expect(echoClientArgv('udp', '203.0.113.35', 8080, { ttl: 2 })).toEqual([
      'socat',
      'STDIO',
      'UDP4:203.0.113.35:8080,ip-ttl=2',
    ]);
    expect(echoClientArgv('tcp', '2001:db8:100:2::3', 80, { ttl: 1 })).toEqual([
      'socat',
      '-u',
      'TCP6:[2001:db8:100:2::3]:80,ipv6-unicast-hops=1',
      'STDOUT',
    ]);
  });

  test('canonicalIp: what socat writes becomes what ip prints', () => {
    expect(canonicalIp('198.51.100.100')).toBe('198.51.100.100');
    expect(canonicalIp('[2001:0db8:0001:0000:0000:0000:0000:0100]')).toBe('2001:db8:1::100');
    expect(canonicalIp('[2001:0DB8:0000:0000:0001:0000:0000:0001]')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('[fe80::1]%eth0')).toBe('fe80::1');
    expect(canonicalIp('*')).toBe('*');
    expect(canonicalIp('not:an:address:at:all:x')).toBe('not:an:address:at:all:x');
  });

  test('an answer is `<pod> <address>` on the first line', () => {
    expect(parseEchoAnswer('pod1-0 198.51.100.100\n')).toEqual({
      kind: 'answer',
      pod: 'pod1-0',
      source: '198.51.100.100',
    });
    expect(parseEchoAnswer('pod1-1 [2001:0db8:0100:0001:0000:0000:0000:0001]\nmore\n')).toEqual({
      kind: 'answer',
      pod: 'pod1-1',
      source: '2001:db8:100:1::1',
    });
    expect(parseEchoAnswer('pod1-0\n')).toBeUndefined();
    expect(parseEchoAnswer('HTTP/1.1 400 Bad Request\n')).toBeUndefined();
    expect(parseEchoAnswer('')).toBeUndefined();
  });

  test('outcomes: an answer wins; refused from RST or ICMP; timeout; anything else keeps its text', () => {
    expect(echoOutcome(run({ stdout: 'pod1-0 198.51.100.100\n', code: undefined }))).toEqual({
      kind: 'answer',
      pod: 'pod1-0',
      source: '198.51.100.100',
    });
    expect(echoOutcome(run({ stderr: TCP_REFUSED, code: 1 }))).toEqual({ kind: 'refused', text: TCP_REFUSED.trim() });
    expect(echoOutcome(run({ stderr: UDP_REFUSED, code: 1 }))).toEqual({ kind: 'refused', text: UDP_REFUSED.trim() });
    expect(echoOutcome(run({ timedOut: true, code: undefined }))).toEqual({ kind: 'timeout' });
    expect(echoOutcome(run({ stderr: 'E connect(5, ...): Connection timed out', code: 1 }))).toEqual({
      kind: 'timeout',
    });
    expect(echoOutcome(run({ stderr: 'E connect(5, ...): No route to host', code: 1 }))).toEqual({
      kind: 'other',
      text: 'E connect(5, ...): No route to host',
    });
    expect(echoOutcome(run({ stdout: 'garbage\n' }))).toEqual({ kind: 'other', text: 'not an echo answer: garbage' });
    expect(echoOutcome(run({ stdout: 'pod1-0 198.5', code: 0 }))).toEqual({
      kind: 'other',
      text: 'incomplete answer: pod1-0 198.5',
    });
    expect(echoOutcome(run({ code: 0 }))).toEqual({ kind: 'other', text: 'no answer (socat exit 0)' });
    expect(echoOutcome(run({ code: undefined }))).toEqual({ kind: 'other', text: 'no answer (socat exit by signal)' });
  });

  test('listeners from `ss -Hlntu`, and which wanted ones are missing', () => {
    const ls = parseListeners(SS);
    expect(ls).toEqual([
      { proto: 'udp', ip: '203.0.113.19', port: 8080 },
      { proto: 'udp', ip: '2001:db8:100:1::3', port: 8080 },
      { proto: 'tcp', ip: '203.0.113.19', port: 8080 },
      { proto: 'tcp', ip: '2001:db8:100:1::3', port: 8080 },
      { proto: 'tcp', ip: '*', port: 9000 },
      { proto: 'tcp', ip: 'fe80::1', port: 9001 },
    ]);
    const wanted = [
      { proto: 'tcp' as const, ip: '2001:0db8:100:1:0::3', port: 8080 },
      { proto: 'udp' as const, ip: '203.0.113.19', port: 8080 },
      { proto: 'udp' as const, ip: '203.0.113.19', port: 8081 },
      { proto: 'udp' as const, ip: '203.0.113.20', port: 8080 },
    ];
    expect(missingListeners(wanted, ls)).toEqual(wanted.slice(2));
    expect(parseListeners('')).toEqual([]);
    expect(parseListeners('State Recv-Q\nnonsense line here at all\n')).toEqual([]);
  });

  test('a tally counts answers per pod and keeps the failures', () => {
    const a = (pod: string): ReturnType<typeof echoOutcome> => ({ kind: 'answer', pod, source: '198.51.100.100' });
    expect(tallyResults([a('pod1-0'), a('pod2-0'), a('pod1-0'), { kind: 'timeout' }])).toEqual({
      counts: { 'pod1-0': 2, 'pod2-0': 1 },
      failures: [{ kind: 'timeout' }],
    });
    expect(tallyResults([])).toEqual({ counts: {}, failures: [] });
  });
});
