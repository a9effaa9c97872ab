import { parseConfig } from '@ironlb/shared/config';
import { Allocator } from '../ipam/allocator';
import { codedOutcomeOf, currentIngressIPs, invalidServiceEvent, outcomeOf } from './outcome';
import { serviceRequestOf } from './request';

/** A pool as a user applies it, parsed as the controller parses it. */
const { config, errors } = parseConfig({
  ipAddressPools: [
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'doc-example', namespace: 'ironlb-system' },
      spec: { addresses: ['198.51.100.200-198.51.100.254'] },
    },
  ],
});

function lbService(
  name: string,
  extra: { annotations?: Record<string, string>; loadBalancerIP?: string } = {},
): unknown {
  return {
    metadata: { name, namespace: 'default', annotations: extra.annotations ?? {} },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [{ port: 8080, protocol: 'TCP' }],
      ...(extra.loadBalancerIP ? { loadBalancerIP: extra.loadBalancerIP } : {}),
    },
  };
}

function requestOf(svc: unknown) {
  const r = serviceRequestOf(svc, {}, { lbClass: 'ironlb.io/ironlb' });
  if (r.kind !== 'request') throw new Error(`not a request: ${JSON.stringify(r)}`);
  return r.request;
}

describe('outcomeOf', () => {
  test('the pool parses', () => expect(errors).toEqual([]));

  test('a first assignment writes ingress with ipMode VIP and says IPAllocated', () => {
    const a = new Allocator(config);
    const out = outcomeOf('default/any-ip', a.assign(requestOf(lbService('any-ip'))), []);
    expect(out).toEqual({
      ingress: [{ ip: '198.51.100.200', ipMode: 'VIP' }],
      events: [{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["198.51.100.200"]' }],
    });
  });

  test('a resync of an unchanged Service writes nothing and says nothing', () => {
    const a = new Allocator(config);
    const svc = requestOf(lbService('any-ip'));
    a.assign(svc);
    expect(outcomeOf('default/any-ip', a.assign(svc), ['198.51.100.200'])).toEqual({ ingress: undefined, events: [] });
  });

  test('a status someone else changed is put back', () => {
    const a = new Allocator(config);
    const svc = requestOf(lbService('any-ip'));
    a.assign(svc);
    expect(outcomeOf('default/any-ip', a.assign(svc), ['198.51.100.9']).ingress).toEqual([
      { ip: '198.51.100.200', ipMode: 'VIP' },
    ]);
  });

  test("seed 003's request outside every pool fails with MetalLB's exact Event", () => {
    const a = new Allocator(config);
    const out = outcomeOf(
      'default/invalid-request',
      a.assign(requestOf(lbService('invalid-request', { loadBalancerIP: '4.3.2.1' }))),
      [],
    );
    expect(out).toEqual({
      ingress: undefined,
      events: [
        {
          type: 'Warning',
          reason: 'AllocationFailed',
          message: 'Failed to allocate IP for "default/invalid-request": "4.3.2.1" is not allowed in config',
        },
      ],
    });
  });

  test('a failure clears an ingress the Service no longer holds', () => {
    const a = new Allocator(config);
    const out = outcomeOf('default/x', a.assign(requestOf(lbService('x', { loadBalancerIP: '4.3.2.1' }))), [
      '198.51.100.200',
    ]);
    expect(out.ingress).toEqual([]);
  });

  test('a missing pool falls back and warns as well as allocating', () => {
    const a = new Allocator(config);
    const svc = requestOf(
      lbService('pool-request', { annotations: { 'metallb.universe.tf/address-pool': 'missing' } }),
    );
    const out = outcomeOf('default/pool-request', a.assign(svc), []);
    expect(out.ingress).toEqual([{ ip: '198.51.100.200', ipMode: 'VIP' }]);
    expect(out.events.map((e) => `${e.type} ${e.reason}`)).toEqual(['Warning AllocationWarning', 'Normal IPAllocated']);
    expect(out.events[0].message).toContain('missing');
  });
});

describe('codedOutcomeOf', () => {
  test('is outcomeOf, each Event with the code of the reason it words', () => {
    const a = new Allocator(config);
    const failing = a.assign(requestOf(lbService('invalid-request', { loadBalancerIP: '4.3.2.1' })));
    const coded = codedOutcomeOf('default/invalid-request', failing, ['198.51.100.9']);
    expect(coded.events.map((e) => e.code)).toEqual(['notInAnyPool']);
    expect({ ingress: coded.ingress, events: coded.events.map((e) => e.event) }).toEqual(
      outcomeOf('default/invalid-request', failing, ['198.51.100.9']),
    );
  });

  test('a warning carries its code, IPAllocated none', () => {
    const a = new Allocator(config);
    const svc = requestOf(
      lbService('pool-request', { annotations: { 'metallb.universe.tf/address-pool': 'missing' } }),
    );
    const coded = codedOutcomeOf('default/pool-request', a.assign(svc), []);
    expect(coded.events.map((e) => [e.event.reason, e.code])).toEqual([
      ['AllocationWarning', 'poolMissing'],
      ['IPAllocated', undefined],
    ]);
    expect(coded.events[0].event.message).toBe(
      'pool "missing" does not exist; the address comes from the auto-assign pools',
    );
  });
});

describe('currentIngressIPs', () => {
  test.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    ['x', []],
    [{ loadBalancer: null }, []],
    [{ loadBalancer: { ingress: 'x' } }, []],
    [{ loadBalancer: { ingress: [{ ip: '198.51.100.200' }, { hostname: 'h' }, 7] } }, ['198.51.100.200', '', '']],
    [{ loadBalancer: { ingress: [{ ip: '2001:db8:1::200', ipMode: 'VIP' }] } }, ['2001:db8:1::200']],
  ])('%j', (status, want) => expect(currentIngressIPs(status)).toEqual(want));
});

test('invalidServiceEvent names the field', () => {
  expect(invalidServiceEvent('spec.ports', 'a LoadBalancer Service needs ports')).toEqual({
    type: 'Warning',
    reason: 'InvalidService',
    message: 'spec.ports: a LoadBalancer Service needs ports',
  });
});
