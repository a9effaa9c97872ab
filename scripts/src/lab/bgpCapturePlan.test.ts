// The BGP capture's plan: every session's two ends agree, sit on one link, and use documentation addresses only.
import {
  ASN,
  birdConfig,
  DAEMONS,
  endsOf,
  frrConfig,
  gobgpConfig,
  LINKS,
  OLD_ASN,
  ROUTES,
  SESSIONS,
} from './bgpCapturePlan';

const ALLOWED = /^(198\.51\.100\.\d+|203\.0\.113\.\d+|2001:db8:[0-9a-f:]*)(\/\d+)?$/;

test('each session seen from both ends: addresses swap and each side expects the AS the other speaks', () => {
  for (const s of SESSIONS) {
    const a = endsOf(s.a).find((e) => e.session === s);
    const b = endsOf(s.b).find((e) => e.session === s);
    expect(a && b).toBeTruthy();
    expect([a?.local, a?.peer]).toEqual([b?.peer, b?.local]);
    expect(a?.peerAs).toBe(b?.localAs);
    expect(b?.peerAs).toBe(a?.localAs);
    if (s.ibgp) expect(a?.localAs).toBe(a?.peerAs);
    if (s.old) expect([a?.localAs, a?.peerAs].every((x) => (x ?? 0) < 65536)).toBe(true);
  }
  expect(endsOf('bird2').find((e) => e.session.old)?.localAs).toBe(OLD_ASN);
  expect(DAEMONS.map((d) => endsOf(d).length)).toEqual([6, 5, 5]);
});

test('every session runs over one link, its ends on that link, and every address is a documentation one', () => {
  for (const s of SESSIONS) {
    const link = LINKS.find((l) => (l.a === s.a && l.b === s.b) || (l.a === s.b && l.b === s.a));
    expect(link).toBeDefined();
    const addrs = (d: string): string[] =>
      (link?.a === d ? link.aAddrs : (link?.bAddrs ?? [])).map((x) => x.split('/')[0]);
    expect(addrs(s.a)).toContain(s.aAddr);
    expect(addrs(s.b)).toContain(s.bAddr);
  }
  const all = [
    ...LINKS.flatMap((l) => [...l.aAddrs, ...l.bAddrs]),
    ...Object.values(ROUTES).flatMap((r) => [...r.ipv4, ...r.ipv6]),
  ];
  for (const a of all) expect(a).toMatch(ALLOWED);
});

test('the configs name every neighbor, and BIRD drops the withdrawn routes when asked', () => {
  const bird = birdConfig(false);
  for (const e of endsOf('bird2')) expect(bird).toContain(`neighbor ${e.peer} as ${e.peerAs};`);
  expect(bird).toContain(`route ${ROUTES.bird2.ipv4[1]} blackhole;`);
  expect(birdConfig(true)).not.toContain(ROUTES.bird2.ipv4[1]);
  expect(bird.match(/enable as4 off;/g)).toHaveLength(2);
  const frr = frrConfig();
  for (const e of endsOf('frr')) expect(frr).toContain(` neighbor ${e.peer} remote-as ${e.peerAs}\n`);
  expect(frr).toContain(`router bgp ${ASN.frr}\n`);
  const gobgp = gobgpConfig();
  for (const e of endsOf('gobgp')) expect(gobgp).toContain(`neighbor-address = "${e.peer}"`);
  expect(gobgp.match(/local-as = 65003/g)).toHaveLength(1);
});
