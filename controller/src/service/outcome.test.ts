import { parseConfig } from '@ironlb/shared/config';
import { Allocator } from '../ipam/allocator';
import type { AssignResult } from '../ipam/allocator';
import type { Refusal } from '../ipam/reasons';
import { ip } from '../ipam/testFixtures';
import {
  codedOutcomeOf,
  currentIngressIPs,
  invalidServiceEvent,
  invalidVerdict,
  outcomeOf,
  sameVerdict,
  verdictOf,
} from './outcome';
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

describe('verdicts: what the Events say, as a value, so that a re-check reaching the same one writes none', () => {
  const held = (...holders: string[]): Extract<Refusal, { code: 'sharingKeyMismatch' }> => ({
    code: 'sharingKeyMismatch',
    holders,
    ip: ip('198.51.100.15'),
    holderKey: 'dns',
    key: 'other',
  });
  const refused = (reason: Refusal, released: string[] = []): AssignResult => ({
    ok: false,
    reason,
    warnings: [],
    released: released.map(ip),
  });

  test('a refusal with the same code and values is the same verdict, built anew or not', () => {
    expect(sameVerdict(verdictOf(refused(held('a/x', 'a/y'))), verdictOf(refused(held('a/x', 'a/y'))))).toBe(true);
    // What the Service gave back is not part of what it is told.
    expect(sameVerdict(verdictOf(refused(held('a/x'), ['198.51.100.9'])), verdictOf(refused(held('a/x'))))).toBe(true);
  });

  test('another holder, address, key or code is another verdict', () => {
    const v = verdictOf(refused(held('a/x', 'a/y')));
    expect(sameVerdict(v, verdictOf(refused(held('a/x'))))).toBe(false);
    expect(sameVerdict(v, verdictOf(refused(held('a/y', 'a/x'))))).toBe(false);
    expect(sameVerdict(v, verdictOf(refused({ ...held('a/x', 'a/y'), ip: ip('198.51.100.16') })))).toBe(false);
    expect(sameVerdict(v, verdictOf(refused({ ...held('a/x', 'a/y'), key: undefined })))).toBe(false);
    expect(sameVerdict(v, verdictOf(refused({ code: 'notInAnyPool', ip: ip('198.51.100.15') })))).toBe(false);
    expect(sameVerdict(undefined, v)).toBe(false);
  });

  test('an assignment: the same addresses and warnings are the same verdict, whether or not they just changed', () => {
    const a = new Allocator(config);
    const svc = requestOf(lbService('fallback', { annotations: { 'metallb.io/address-pool': 'missing' } }));
    const first = a.assign(svc);
    const again = a.assign(svc);
    expect(first.ok && again.ok && first.changed && !again.changed).toBe(true);
    expect(sameVerdict(verdictOf(first), verdictOf(again))).toBe(true);
    // Its Events differ (IPAllocated only the first time): comparing their text would repeat the warning.
    expect(outcomeOf('default/fallback', again, ['198.51.100.200']).events).toHaveLength(1);
    const plain = a.assign(requestOf(lbService('fallback')));
    expect(sameVerdict(verdictOf(again), verdictOf(plain))).toBe(false);
    expect(sameVerdict(verdictOf(plain), verdictOf(refused(held('a/x'))))).toBe(false);
  });

  test('an invalid Service: its field and message', () => {
    const v = invalidVerdict('spec.ports', 'a LoadBalancer Service needs ports');
    expect(sameVerdict(v, invalidVerdict('spec.ports', 'a LoadBalancer Service needs ports'))).toBe(true);
    expect(sameVerdict(v, invalidVerdict('spec.ports', 'other'))).toBe(false);
    expect(sameVerdict(v, verdictOf(refused(held('a/x'))))).toBe(false);
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
