import { parseState, serializeState, type LabState } from './state';

const good: LabState = {
  version: 1,
  prefix: 'ilb',
  phase: 'up',
  ownerPid: 1234,
  createdAt: '2026-01-01T00:00:00.000Z',
  options: {
    nodes: 3,
    router: 'bird',
    ipv6: true,
    kubeSocket: '/tmp/k.sock',
    kubePort: 6443,
    bgp: { md5Password: 'pw', bfd: { intervalMs: 100, multiplier: 3 }, ipv6OverIpv4: true },
  },
  namespaces: ['ilb-sw', 'ilb-node1'],
  dirs: ['/run/ironlb-lab/ilb'],
  processes: [{ pid: 4321, host: 'router', role: 'bird', argv: ['bird', '-f'] }],
};

describe('state file', () => {
  test('round-trips', () => {
    expect(parseState(serializeState(good))).toEqual(good);
  });

  test.each<[string, (s: Record<string, unknown>) => void, RegExp]>([
    ['not JSON', () => undefined, /not JSON/],
    ['wrong version', (s) => (s.version = 2), /version/],
    ['bad prefix', (s) => (s.prefix = 'a-b'), /invalid lab prefix/],
    ['foreign namespace', (s) => (s.namespaces = ['ilb-sw', 'production']), /lacks prefix/],
    ['foreign dir', (s) => (s.dirs = ['/']), /not a lab dir/],
    ['bad router', (s) => (s.options = { ...good.options, router: 'quagga' }), /options.router/],
    ['pid 1', (s) => (s.processes = [{ pid: 1, host: 'x', role: 'bird', argv: ['bird'] }]), /pid/],
    ['empty argv', (s) => (s.processes = [{ pid: 9, host: 'x', role: 'bird', argv: [] }]), /argv/],
    ['bad phase', (s) => (s.phase = 'half'), /phase/],
    [
      'bad BGP options',
      (s) => (s.options = { ...good.options, bgp: { holdTimeSec: 1 } }),
      /options.bgp: .*holdTimeSec/,
    ],
  ])('rejects %s', (name, mutate, msg) => {
    const doc: Record<string, unknown> = JSON.parse(serializeState(good));
    mutate(doc);
    const text = name === 'not JSON' ? '{nope' : JSON.stringify(doc);
    expect(() => parseState(text)).toThrow(msg);
  });
});
