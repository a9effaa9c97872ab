import pino from 'pino';
import { mustParseIP } from '@ironlb/shared';
import { parseConfig } from '@ironlb/shared/config';
import type { ServiceEvent } from '@ironlb/shared/k8s';
import type { SpeakerView } from '../mode/view';
import { L2_STATUS, Layer2Mode, type L2Applied } from './mode';
import type { Chooser } from './plan';

const ip = mustParseIP;

const { config } = parseConfig({
  ipAddressPools: [{ metadata: { name: 'lab' }, spec: { addresses: ['198.51.100.200-198.51.100.254'] } }],
  l2Advertisements: [{ metadata: { name: 'all' } }],
});

/** node-a wins .200, node-b wins .201: the plan is about the split, not the hash. */
const byIP: Chooser = (target, eligible) =>
  target.value === ip('198.51.100.200').value
    ? eligible.find((n) => n === 'node-a')
    : eligible.find((n) => n === 'node-b');

const view = (self: string): SpeakerView => ({
  self,
  config,
  nodes: new Map(['node-a', 'node-b'].map((name) => [name, { name, labels: {}, unschedulable: false }])),
  services: [
    { key: 'default/web', ips: [ip('198.51.100.200')], local: false },
    { key: 'default/dns', ips: [ip('198.51.100.201')], local: false },
    { key: 'default/far', ips: [ip('203.0.113.7')], local: false },
  ],
  endpointNodes: new Map(),
  live: new Set(['node-a', 'node-b']),
});

function mode(self: string, events: { service: string; event: ServiceEvent }[] = []): Layer2Mode {
  const never = (): never => {
    throw new Error('planning opens no socket');
  };
  return new Layer2Mode(
    self,
    never,
    { gratuitousCount: 1, gratuitousIntervalMs: 1, probeMs: 0, naSource: 'target' },
    byIP,
    { emit: (service, event) => events.push({ service, event }) },
    { answered: () => undefined, conflict: () => undefined },
    pino({ level: 'silent' }),
  );
}

describe('Layer2Mode', () => {
  it("plans this node's rows and gives every other IP its reason: another owner, or the IP's own", () => {
    const a = mode('node-a').plan(view('node-a'));
    expect([...a.announce.keys()]).toEqual(['198.51.100.200']);
    expect(a.announce.get('198.51.100.200')).toEqual({
      ip: ip('198.51.100.200'),
      services: ['default/web'],
      interfaces: { names: [], auto: true },
    });
    expect(Object.fromEntries(a.skip)).toEqual({
      '198.51.100.201': { services: ['default/dns'], reason: { code: 'notOwner', owner: 'node-b' } },
      '203.0.113.7': { services: ['default/far'], reason: { code: 'notInAnyPool', ip: ip('203.0.113.7') } },
    });
    const b = mode('node-b').plan(view('node-b'));
    expect([...b.announce.keys()]).toEqual(['198.51.100.201']);
    expect(b.skip.get('198.51.100.200')?.reason).toEqual({ code: 'notOwner', owner: 'node-a' });
  });

  it('is active only when the config has an L2Advertisement', () => {
    expect(mode('node-a').active(config)).toBe(true);
    expect(mode('node-a').active({ ...config, l2Advertisements: [] })).toBe(false);
  });

  it('applies the empty set without opening a socket, and reports nothing', () => {
    expect(mode('node-a').apply(new Map()).size).toBe(0);
  });

  it('once closed (a stopping speaker), answers nothing again: a late plan opens no socket', () => {
    const opened: string[] = [];
    const m = new Layer2Mode(
      'node-a',
      (name) => {
        opened.push(name);
        throw new Error('no packet sockets here');
      },
      { gratuitousCount: 1, gratuitousIntervalMs: 1, probeMs: 0, naSource: 'target' },
      byIP,
      { emit: () => undefined },
      { answered: () => undefined, conflict: () => undefined },
      pino({ level: 'silent' }),
    );
    m.setInterfaces([{ name: 'eth0', addresses: [{ ip: ip('198.51.100.11'), prefixLength: 24 }] }]);
    const { announce } = m.plan(view('node-a'));
    m.apply(announce);
    expect(opened).toEqual(['eth0']);
    m.close();
    expect([...m.apply(announce).values()].map((a) => a.answeredOn)).toEqual([[]]);
    m.setInterfaces([{ name: 'eth1', addresses: [{ ip: ip('198.51.100.12'), prefixLength: 24 }] }]);
    expect(opened).toEqual(['eth0']);
  });
});

describe('ServiceL2Status fields', () => {
  const applied = (answeredOn: string[]): L2Applied => ({ ip: ip('198.51.100.200'), services: ['s/a'], answeredOn });

  it('the union of the interfaces the Service is answered on, sorted; none means no status', () => {
    expect(L2_STATUS.fields([applied(['eth1']), applied(['eth0', 'eth1'])])).toEqual({
      interfaces: [{ name: 'eth0' }, { name: 'eth1' }],
    });
    expect(L2_STATUS.fields([applied([]), applied([])])).toBeUndefined();
    expect(L2_STATUS.fields([])).toBeUndefined();
  });
});
