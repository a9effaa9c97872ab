import {
  chainHash,
  endpointChain,
  firewallChain,
  FIXED_CHAINS,
  JUMPS,
  jumpSpec,
  MAX_CHAIN_NAME,
  serviceChain,
} from './names';

describe('chainHash', () => {
  test.each([
    // kube-proxy's own test expectation: KUBE-SVC-XPGD46QRK7WJZT7O for ns1/svc1:p80 + tcp.
    ['ns1/svc1:p80tcp', 'XPGD46QRK7WJZT7O'],
    // The rest computed with Python: base64.b32encode(hashlib.sha256(key).digest())[:16].
    ['', '4OYMIQUY7QOBJGX3'],
    ['198.51.100.200 TCP 80', 'RGNVK6K7EGKKSU2U'],
    ['198.51.100.200 TCP 80 203.0.113.18:8080', '2HBRWVDVOWZWPRCR'],
  ])('%j -> %s', (key, hash) => {
    expect(chainHash(key)).toBe(hash);
  });

  test('is 16 characters of the RFC 4648 alphabet', () => {
    for (let i = 0; i < 200; i++) expect(chainHash(`key ${i}`)).toMatch(/^[A-Z2-7]{16}$/);
  });
});

describe('chain names', () => {
  const key = '198.51.100.200 TCP 80';

  test('per Forward and per backend, from the key alone', () => {
    expect(serviceChain(key)).toBe('IRONLB-SVC-RGNVK6K7EGKKSU2U');
    expect(firewallChain(key)).toBe('IRONLB-FW-RGNVK6K7EGKKSU2U');
    expect(endpointChain(key, '203.0.113.18:8080')).toBe('IRONLB-SEP-2HBRWVDVOWZWPRCR');
  });

  test('the same backend of two Forwards gets two chains (each has its own affinity list)', () => {
    expect(endpointChain(key, '203.0.113.18:8080')).not.toBe(
      endpointChain('198.51.100.200 UDP 80', '203.0.113.18:8080'),
    );
  });

  test('every name fits iptables (28 characters)', () => {
    const names = [
      serviceChain(key),
      firewallChain(key),
      endpointChain(key, '[2001:db8:100:1::2]:8080'),
      ...FIXED_CHAINS.nat,
      ...FIXED_CHAINS.filter,
    ];
    for (const n of names) {
      expect(n.startsWith('IRONLB-')).toBe(true);
      expect(n.length).toBeLessThanOrEqual(MAX_CHAIN_NAME);
    }
  });
});

describe('JUMPS', () => {
  test('one per built-in chain, each to a fixed chain of its table', () => {
    expect(JUMPS.map((j) => `${j.table} ${j.from} -> ${j.to}`)).toEqual([
      'nat PREROUTING -> IRONLB-PREROUTING',
      'nat OUTPUT -> IRONLB-OUTPUT',
      'nat POSTROUTING -> IRONLB-POSTROUTING',
      'filter INPUT -> IRONLB-FILTER',
      'filter FORWARD -> IRONLB-FILTER',
      'filter OUTPUT -> IRONLB-FILTER',
    ]);
    for (const j of JUMPS) expect(FIXED_CHAINS[j.table]).toContain(j.to);
  });

  test('filter jumps see new connections only; the spec is what iptables -S prints after -A <chain>', () => {
    expect(jumpSpec(JUMPS[0])).toEqual(['-j', 'IRONLB-PREROUTING']);
    expect(jumpSpec(JUMPS[3])).toEqual(['-m', 'conntrack', '--ctstate', 'NEW', '-j', 'IRONLB-FILTER']);
  });
});
