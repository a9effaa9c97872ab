import { validate, type Change, type CurrentObjects, type Operation, type Verdict } from './validate';

const NS = 'ironlb-system';

const obj =
  (kind: string) =>
  (name: string, spec: unknown, namespace = NS): Record<string, unknown> => ({
    apiVersion: 'ironlb.io/v1beta1',
    kind,
    metadata: { name, namespace },
    spec,
  });
const pool = obj('IPAddressPool');
const l2 = obj('L2Advertisement');
const bgpAdv = obj('BGPAdvertisement');
const peer = obj('BGPPeer');
const bfd = obj('BFDProfile');
const community = obj('Community');

const PEER_SPEC = { myASN: 64500, peerASN: 64501, peerAddress: '198.51.100.1' };

/** A change as the API server sends it: the old version from `current` on UPDATE and DELETE. */
function change(operation: Operation, object: Record<string, unknown>, current: CurrentObjects = {}): Change {
  const meta = object.metadata as { name: string; namespace: string };
  const kind = String(object.kind);
  const old = (current[kind as keyof CurrentObjects] ?? []).find(
    (o) => (o as { metadata: { name: string } }).metadata.name === meta.name,
  );
  return {
    kind,
    operation,
    namespace: meta.namespace,
    name: meta.name,
    ...(operation === 'DELETE' ? {} : { object }),
    ...(old ? { oldObject: old } : {}),
  };
}

const denied = (v: Verdict): string => {
  if (v.allowed) throw new Error(`allowed: ${v.reason}`);
  return v.message;
};

describe('validate: IPAddressPool', () => {
  it('allows a valid pool, and one beside a pool it does not overlap', () => {
    expect(validate(change('CREATE', pool('lab', { addresses: ['198.51.100.0/25'] })), {}, NS)).toEqual({
      allowed: true,
      reason: "IPAddressPool ironlb-system/lab is valid with the namespace's other ironlb.io objects",
    });
    const current = { IPAddressPool: [pool('a', { addresses: ['198.51.100.0/25'] })] };
    expect(validate(change('CREATE', pool('b', { addresses: ['198.51.100.128/25'] })), current, NS).allowed).toBe(true);
  });

  it.each<[string, unknown, string]>([
    [
      'a bad CIDR',
      { addresses: ['198.51.100.0/33'] },
      'IPAddressPool ironlb-system/lab: spec.addresses[0]: invalid CIDR "198.51.100.0/33": the prefix length must be a number from 0 to 32 for IPv4',
    ],
    [
      'host bits set',
      { addresses: ['198.51.100.1/24'] },
      'IPAddressPool ironlb-system/lab: spec.addresses[0]: invalid CIDR "198.51.100.1/24": host bits are set; write the network 198.51.100.0/24, or the range 198.51.100.1-198.51.100.255',
    ],
    [
      'a range whose end comes before its start',
      { addresses: ['198.51.100.20-198.51.100.10'] },
      'IPAddressPool ironlb-system/lab: spec.addresses[0]: invalid range "198.51.100.20-198.51.100.10": the first address 198.51.100.20 is after the last 198.51.100.10',
    ],
    [
      'no addresses',
      { addresses: [] },
      'IPAddressPool ironlb-system/lab: spec.addresses: must list at least one CIDR or range',
    ],
    [
      'two entries of its own that overlap',
      { addresses: ['198.51.100.0/24', '198.51.100.10-198.51.100.20'] },
      'IPAddressPool ironlb-system/lab: spec.addresses[1]: "198.51.100.10-198.51.100.20" overlaps "198.51.100.0/24" (spec.addresses[0]) of this pool',
    ],
  ])('refuses %s, naming the field', (_what, spec, message) => {
    const m = denied(validate(change('CREATE', pool('lab', spec)), {}, NS));
    expect(m).toBe(message);
  });

  it('refuses a pool overlapping one that comes first by name, naming both', () => {
    const current = { IPAddressPool: [pool('a', { addresses: ['198.51.100.0/24'] })] };
    expect(denied(validate(change('CREATE', pool('b', { addresses: ['198.51.100.128/25'] })), current, NS))).toBe(
      'IPAddressPool ironlb-system/b: spec.addresses[0]: "198.51.100.128/25" overlaps "198.51.100.0/24" (spec.addresses[0] of IPAddressPool ironlb-system/a); an address may belong to one pool only, and IPAddressPool ironlb-system/a comes first by name, so this pool is not loaded',
    );
  });

  it('refuses a pool that would take the addresses of one after it by name: that one would be left out', () => {
    const current = { IPAddressPool: [pool('b', { addresses: ['198.51.100.0/24'] })] };
    expect(denied(validate(change('CREATE', pool('a', { addresses: ['198.51.100.128/25'] })), current, NS))).toBe(
      'creating IPAddressPool ironlb-system/a would make the daemons leave out another object: IPAddressPool ironlb-system/b: spec.addresses[0]: "198.51.100.0/24" overlaps "198.51.100.128/25" (spec.addresses[0] of IPAddressPool ironlb-system/a); an address may belong to one pool only, and IPAddressPool ironlb-system/a comes first by name, so this pool is not loaded',
    );
  });

  it('judges an UPDATE against the others without its old version (a pool may move within its own addresses)', () => {
    const current = { IPAddressPool: [pool('lab', { addresses: ['198.51.100.0/24'] })] };
    const v = validate(change('UPDATE', pool('lab', { addresses: ['198.51.100.0/25'] }), current), current, NS);
    expect(v.allowed).toBe(true);
  });

  it('allows changing a pool whose addresses an already refused pool overlaps: that one stays out either way', () => {
    const current = {
      IPAddressPool: [pool('a', { addresses: ['198.51.100.0/24'] }), pool('b', { addresses: ['198.51.100.0/26'] })],
    };
    const v = validate(change('UPDATE', pool('a', { addresses: ['198.51.100.0/25'] }), current), current, NS);
    expect(v.allowed).toBe(true);
  });

  it('ignores errors other objects already had: the change is not their cause', () => {
    const current = {
      IPAddressPool: [pool('a', { addresses: ['198.51.100.0/24'] }), pool('b', { addresses: ['198.51.100.0/25'] })],
    };
    expect(validate(change('CREATE', pool('c', { addresses: ['203.0.113.0/24'] })), current, NS).allowed).toBe(true);
  });
});

describe('validate: L2Advertisement and BGPAdvertisement', () => {
  it('allows an L2Advertisement of an existing pool', () => {
    const current = { IPAddressPool: [pool('lab', { addresses: ['198.51.100.0/24'] })] };
    expect(validate(change('CREATE', l2('l2', { ipAddressPools: ['lab'] })), current, NS).allowed).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an L2Advertisement with a bad interface list',
      l2('l2', { interfaces: 'eth0' }),
      'L2Advertisement ironlb-system/l2: spec.interfaces: must be a list of strings, got string',
    ],
    [
      'aggregationLength above 32',
      bgpAdv('adv', { aggregationLength: 33 }),
      'BGPAdvertisement ironlb-system/adv: spec.aggregationLength: must be from 1 to 32, got 33',
    ],
    [
      'aggregationLengthV6 above 128',
      bgpAdv('adv', { aggregationLengthV6: 129 }),
      'BGPAdvertisement ironlb-system/adv: spec.aggregationLengthV6: must be from 1 to 128, got 129',
    ],
    [
      'aggregationLength shorter than a pool',
      bgpAdv('adv', { aggregationLength: 16, ipAddressPools: ['lab'] }),
      'BGPAdvertisement ironlb-system/adv: spec.aggregationLength: 16 is shorter than 198.51.100.0/24 in IPAddressPool ironlb-system/lab: a /16 route would announce addresses outside the pool; use 24 or more',
    ],
    [
      'an unknown community name',
      bgpAdv('adv', { communities: ['nope'] }),
      'BGPAdvertisement ironlb-system/adv: spec.communities[0]: "nope" is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)',
    ],
  ])('refuses %s', (_what, candidate, message) => {
    const current = { IPAddressPool: [pool('lab', { addresses: ['198.51.100.0/24'] })] };
    const m = denied(validate(change('CREATE', candidate), current, NS));
    expect(m).toBe(message);
  });

  it('allows a community named by a Community alias', () => {
    const current = { Community: [community('c', { communities: [{ name: 'no-export', value: '65535:65281' }] })] };
    expect(validate(change('CREATE', bgpAdv('adv', { communities: ['no-export'] })), current, NS).allowed).toBe(true);
  });
});

describe('validate: BGPPeer', () => {
  it('allows a valid peer, and one naming an existing BFDProfile', () => {
    expect(validate(change('CREATE', peer('tor1', PEER_SPEC)), {}, NS).allowed).toBe(true);
    const current = { BFDProfile: [bfd('fast', {})] };
    expect(validate(change('CREATE', peer('tor1', { ...PEER_SPEC, bfdProfile: 'fast' })), current, NS).allowed).toBe(
      true,
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'myASN 0',
      { myASN: 0 },
      'BGPPeer ironlb-system/tor1: spec.myASN: must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 0',
    ],
    [
      'peerASN above 2^32-1',
      { peerASN: 4294967296 },
      'BGPPeer ironlb-system/tor1: spec.peerASN: must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 4294967296',
    ],
    [
      'holdTime 1s',
      { holdTime: '1s' },
      'BGPPeer ironlb-system/tor1: spec.holdTime: must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "1s"',
    ],
    [
      'keepaliveTime not below holdTime',
      { holdTime: '9s', keepaliveTime: '9s' },
      'BGPPeer ironlb-system/tor1: spec.keepaliveTime: must be shorter than holdTime ("9s"), got "9s"',
    ],
    [
      'password and passwordSecret both',
      { password: 'x', passwordSecret: { name: 's' } },
      'BGPPeer ironlb-system/tor1: spec.passwordSecret: must not be set with spec.password: the password is in the BGPPeer or in a Secret',
    ],
    [
      'an unknown bfdProfile',
      { bfdProfile: 'nope' },
      'BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "nope", which does not exist',
    ],
  ])('refuses %s', (_what, spec, message) => {
    const m = denied(validate(change('CREATE', peer('tor1', { ...PEER_SPEC, ...spec })), {}, NS));
    expect(m).toBe(message);
  });
});

describe('validate: BFDProfile and Community', () => {
  const current = { BFDProfile: [bfd('fast', {})], BGPPeer: [peer('tor1', { ...PEER_SPEC, bfdProfile: 'fast' })] };

  it.each<[string, Record<string, unknown>, string]>([
    [
      'detectMultiplier 0',
      { detectMultiplier: 0 },
      'BFDProfile ironlb-system/slow: spec.detectMultiplier: must be from 2 to 255, got 0',
    ],
    [
      'receiveInterval 5',
      { receiveInterval: 5 },
      'BFDProfile ironlb-system/slow: spec.receiveInterval: must be from 10 to 60000 (milliseconds), got 5',
    ],
    [
      'transmitInterval 70000',
      { transmitInterval: 70000 },
      'BFDProfile ironlb-system/slow: spec.transmitInterval: must be from 10 to 60000 (milliseconds), got 70000',
    ],
  ])('refuses a BFDProfile with %s', (_what, spec, message) => {
    expect(denied(validate(change('CREATE', bfd('slow', spec)), {}, NS))).toBe(message);
  });

  it('refuses deleting a BFDProfile a BGPPeer names, naming the peer', () => {
    expect(denied(validate(change('DELETE', bfd('fast', {}), current), current, NS))).toBe(
      'deleting BFDProfile ironlb-system/fast would make the daemons leave out another object: BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which does not exist',
    );
  });

  it('refuses an UPDATE of a BFDProfile to echoMode while an ebgpMultiHop peer names it', () => {
    const c = {
      BFDProfile: [bfd('fast', {})],
      BGPPeer: [peer('tor1', { ...PEER_SPEC, bfdProfile: 'fast', ebgpMultiHop: true })],
    };
    expect(denied(validate(change('UPDATE', bfd('fast', { echoMode: true }), c), c, NS))).toBe(
      'updating BFDProfile ironlb-system/fast would make the daemons leave out another object: BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which has echoMode, and this peer is ebgpMultiHop: BFD echo works over one hop only (RFC 5883)',
    );
  });

  it('refuses deleting a Community whose alias a BGPAdvertisement writes', () => {
    const c = {
      Community: [community('c', { communities: [{ name: 'mine', value: '64500:1' }] })],
      BGPAdvertisement: [bgpAdv('adv', { communities: ['mine'] })],
    };
    expect(denied(validate(change('DELETE', c.Community[0]!, c), c, NS))).toBe(
      'deleting Community ironlb-system/c would make the daemons leave out another object: BGPAdvertisement ironlb-system/adv: spec.communities[0]: "mine" is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)',
    );
  });

  it('allows deleting an object that has errors itself: nothing else loses anything', () => {
    const c = { BFDProfile: [bfd('bad', { detectMultiplier: 0 })] };
    expect(validate(change('DELETE', c.BFDProfile[0]!, c), c, NS).allowed).toBe(true);
  });

  it('allows deleting a BFDProfile no peer names', () => {
    const c = { ...current, BFDProfile: [...current.BFDProfile, bfd('unused', {})] };
    expect(validate(change('DELETE', bfd('unused', {}), c), c, NS).allowed).toBe(true);
  });

  it('refuses a Community with a bad value, and one whose alias another Community has', () => {
    const m = denied(
      validate(change('CREATE', community('c', { communities: [{ name: 'x', value: '1:2:3:4' }] })), {}, NS),
    );
    expect(m).toBe(
      'Community ironlb-system/c: spec.communities[0].value: invalid community "1:2:3:4": expected a:b with numbers from 0 to 65535 (65535:65281), large:a:b:c with numbers from 0 to 4294967295 (large:64512:1:2), or a well-known name (graceful-shutdown, accept-own, llgr-stale, no-llgr, blackhole, no-export, no-advertise, no-export-subconfed, local-as, no-peer)',
    );
    const c = { Community: [community('a', { communities: [{ name: 'x', value: '1:2' }] })] };
    expect(
      denied(validate(change('CREATE', community('b', { communities: [{ name: 'x', value: '1:3' }] })), c, NS)),
    ).toBe(
      'Community ironlb-system/b: spec.communities[0].name: alias "x" is already spec.communities[0] of Community ironlb-system/a, which comes first by name, so this Community is not loaded',
    );
  });
});

describe('validate: what it does not judge', () => {
  it('allows objects of other namespaces: the daemons never read them', () => {
    expect(validate(change('CREATE', pool('lab', { addresses: [] }, 'default')), {}, NS)).toEqual({
      allowed: true,
      reason: 'namespace default is not read by ironlb (ironlb-system is)',
    });
  });

  it('allows kinds that are not ours, and CONNECT', () => {
    expect(validate({ kind: 'Service', operation: 'CREATE', namespace: NS, name: 'x', object: {} }, {}, NS)).toEqual({
      allowed: true,
      reason: 'Service is not an ironlb.io config kind',
    });
    expect(validate({ kind: 'BGPPeer', operation: 'CONNECT', namespace: NS, name: 'x' }, {}, NS).allowed).toBe(true);
  });

  it('refuses a CREATE without an object', () => {
    expect(denied(validate({ kind: 'BGPPeer', operation: 'CREATE', namespace: NS, name: 'x' }, {}, NS))).toBe(
      'BGPPeer ironlb-system/x: the request carries no object to check',
    );
  });
});

describe('validate: naming the candidate', () => {
  it('takes the name from the object when the request has none (a CREATE with generateName)', () => {
    const candidate = pool('lab-x7k2p', { addresses: ['198.51.100.0/33'] });
    const v = validate(
      { kind: 'IPAddressPool', operation: 'CREATE', namespace: NS, name: '', object: candidate },
      {},
      NS,
    );
    expect(denied(v)).toBe(
      'IPAddressPool ironlb-system/lab-x7k2p: spec.addresses[0]: invalid CIDR "198.51.100.0/33": the prefix length must be a number from 0 to 32 for IPv4',
    );
  });

  it('takes the name of a DELETE from the old object when the request has none', () => {
    const current = { BFDProfile: [bfd('fast', {})], BGPPeer: [peer('tor1', { ...PEER_SPEC, bfdProfile: 'fast' })] };
    const del: Change = {
      kind: 'BFDProfile',
      operation: 'DELETE',
      namespace: NS,
      name: '',
      oldObject: bfd('fast', {}),
    };
    expect(denied(validate(del, current, NS))).toBe(
      'deleting BFDProfile ironlb-system/fast would make the daemons leave out another object: BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which does not exist',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no metadata', { spec: {} }, 'metadata: must be an object, got undefined'],
    [
      'a name that is not a string',
      { metadata: { name: 7 }, spec: {} },
      'metadata.name: must be a string, got integer',
    ],
  ])('names a candidate with %s by kind and namespace alone', (_what, object, error) => {
    // The parser names an object without a name by its list position, not by the candidate's name, so its
    // error reads as one of another object; the change is refused all the same.
    const v = validate({ kind: 'BFDProfile', operation: 'CREATE', namespace: NS, name: '', object }, {}, NS);
    expect(denied(v)).toBe(
      `creating BFDProfile ironlb-system/ would make the daemons leave out another object: BFDProfile items[0]: ${error}`,
    );
  });

  it('keeps listed objects that have no readable name in place: they are left out before and after alike', () => {
    const current = { IPAddressPool: [null, {}, { metadata: 'lab' }, { metadata: { name: 7 } }] };
    const v = validate(change('CREATE', pool('lab', { addresses: ['198.51.100.0/24'] })), current, NS);
    expect(v).toEqual({
      allowed: true,
      reason: "IPAddressPool ironlb-system/lab is valid with the namespace's other ironlb.io objects",
    });
  });

  it('passes the parser the lists of config kinds only', () => {
    const current: Record<string, readonly unknown[]> = { Service: [{ metadata: { name: 'web' } }] };
    expect(validate(change('CREATE', bfd('fast', {})), current, NS)).toEqual({
      allowed: true,
      reason: "BFDProfile ironlb-system/fast is valid with the namespace's other ironlb.io objects",
    });
  });
});

describe('validate: the wording of a refusal', () => {
  it('lists every error of the candidate, separated by semicolons', () => {
    const v = validate(change('CREATE', peer('tor1', { ...PEER_SPEC, myASN: 0, peerASN: 0 })), {}, NS);
    expect(denied(v)).toBe(
      'BGPPeer ironlb-system/tor1: spec.myASN: must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 0; BGPPeer ironlb-system/tor1: spec.peerASN: must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 0',
    );
  });

  it('gives CONNECT its reason', () => {
    expect(validate({ kind: 'BGPPeer', operation: 'CONNECT', namespace: NS, name: 'x' }, {}, NS)).toEqual({
      allowed: true,
      reason: 'CONNECT changes no object',
    });
  });

  it('refuses an UPDATE whose object is not an object', () => {
    const v = validate({ kind: 'BGPPeer', operation: 'UPDATE', namespace: NS, name: 'x', object: ['x'] }, {}, NS);
    expect(denied(v)).toBe('BGPPeer ironlb-system/x: the request carries no object to check');
  });
});
