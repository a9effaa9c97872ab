/**
 * The ironlb.io CRDs of charts/ironlb/crds, applied with the real kubectl v1.35 to ironlb-kube: every kind served,
 * printer columns, schema defaults, refusals worded as a real API server words them, and every sample of
 * scripts/fixtures/ironlb-samples accepted. Error texts with one cause are compared whole; with several causes only
 * each cause is, since the real server lists them in Go map order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../tools';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';

const CRDS = path.join(repoRoot, 'charts', 'ironlb', 'crds');
const SAMPLES = path.join(repoRoot, 'scripts', 'fixtures', 'ironlb-samples');
const NS = 'ironlb-system';

const KINDS: readonly [plural: string, kind: string][] = [
  ['bfdprofiles', 'BFDProfile'],
  ['bgpadvertisements', 'BGPAdvertisement'],
  ['bgppeers', 'BGPPeer'],
  ['communities', 'Community'],
  ['ipaddresspools', 'IPAddressPool'],
  ['l2advertisements', 'L2Advertisement'],
  ['servicebgpstatuses', 'ServiceBGPStatus'],
  ['servicel2statuses', 'ServiceL2Status'],
];

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

/** A `kubectl get` table as rows keyed by header, cut at the header's column starts so empty cells stay empty. */
function table(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) =>
    Object.fromEntries(
      starts.map((s, i) => [s.name, line.slice(s.at, i + 1 < starts.length ? starts[i + 1].at : undefined).trim()]),
    ),
  );
}

const get = async (...args: string[]): Promise<Record<string, string>[]> =>
  table(await c.ok(['get', ...args, '-n', NS]));

const patchStatus = (resource: string, status: unknown): Promise<string> =>
  c.ok(['patch', resource, '-n', NS, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);

describe('the CRDs', () => {
  it('apply as created, then unchanged', async () => {
    const lines = (verb: string): string =>
      KINDS.map(([plural]) => `customresourcedefinition.apiextensions.k8s.io/${plural}.ironlb.io ${verb}\n`).join('');
    expect(await c.ok(['apply', '-f', CRDS])).toBe(lines('created'));
    expect(await c.ok(['apply', '-f', CRDS])).toBe(lines('unchanged'));
  });

  it('are one file per kind', () => {
    expect(fs.readdirSync(CRDS).sort()).toEqual(KINDS.map(([plural]) => `ironlb.io_${plural}.yaml`));
  });

  it('are established and serve every kind, namespaced, in ironlb.io/v1beta1', async () => {
    for (const [plural] of KINDS) {
      const conditions = await c.ok([
        'get',
        'crd',
        `${plural}.ironlb.io`,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      ]);
      expect(conditions).toBe('True');
    }
    const rows = table(await c.ok(['api-resources', '--api-group=ironlb.io']));
    expect(rows.map((r) => [r.NAME, r.APIVERSION, r.NAMESPACED, r.KIND])).toEqual(
      KINDS.map(([plural, kind]) => [plural, 'ironlb.io/v1beta1', 'true', kind]),
    );
  });
});

describe('IPAddressPool', () => {
  beforeAll(async () => {
    await c.ok(['create', 'namespace', NS]);
  });

  it('applies the lab pool and prints its columns with the schema defaults', async () => {
    expect(await c.ok(['apply', '-f', path.join(SAMPLES, 'ipaddresspool.yaml')])).toBe(
      [
        'ipaddresspool.ironlb.io/lab created',
        'ipaddresspool.ironlb.io/tenant-a created',
        'ipaddresspool.ironlb.io/v6-large created',
        '',
      ].join('\n'),
    );
    const out = await c.ok(['get', 'ipaddresspools', '-n', NS]);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+ADDRESSES\s+AUTO ASSIGN\s+ASSIGNED IPV4\s+AVAILABLE IPV4\s+AGE$/);
    expect(table(out)[0]).toEqual({
      NAME: 'lab',
      ADDRESSES: '["198.51.100.200-198.51.100.254","2001:db8:1::200/120"]',
      'AUTO ASSIGN': 'true',
      'ASSIGNED IPV4': '',
      'AVAILABLE IPV4': '',
      AGE: expect.stringMatching(/^\d+s$/) as unknown,
    });
    expect(await c.ok(['get', 'ipaddresspool', 'lab', '-n', NS, '-o', 'jsonpath={.spec}'])).toBe(
      '{"addresses":["198.51.100.200-198.51.100.254","2001:db8:1::200/120"],"autoAssign":true,"avoidBuggyIPs":false}',
    );
  });

  it('adds the IPv6 counts and Avoid Buggy IPs with -o wide', async () => {
    const out = await c.ok(['get', 'ipaddresspools', '-n', NS, '-o', 'wide']);
    expect(out.split('\n')[0]).toMatch(
      /^NAME\s+ADDRESSES\s+AUTO ASSIGN\s+ASSIGNED IPV4\s+AVAILABLE IPV4\s+ASSIGNED IPV6\s+AVAILABLE IPV6\s+AVOID BUGGY IPS\s+AGE$/,
    );
    expect(table(out).map((r) => [r.NAME, r['AUTO ASSIGN'], r['AVOID BUGGY IPS']])).toEqual([
      ['lab', 'true', 'false'],
      ['tenant-a', 'false', 'true'],
      ['v6-large', 'true', 'false'],
    ]);
  });

  it('prints the counts the controller writes; beyond 2^53 the IPv6 count is a decimal string', async () => {
    await patchStatus('ipaddresspool/lab', { assignedIPv4: 3, availableIPv4: 52, assignedIPv6: 1, availableIPv6: 255 });
    const twoTo64 = (2n ** 64n).toString();
    await patchStatus('ipaddresspool/v6-large', {
      assignedIPv4: 0,
      availableIPv4: 0,
      assignedIPv6: 0,
      availableIPv6: twoTo64,
    });
    const rows = await get('ipaddresspools', '-o', 'wide');
    const counts = (r: Record<string, string>): string[] => [
      r.NAME,
      r['ASSIGNED IPV4'],
      r['AVAILABLE IPV4'],
      r['ASSIGNED IPV6'],
      r['AVAILABLE IPV6'],
    ];
    expect(rows.map(counts)).toEqual([
      ['lab', '3', '52', '1', '255'],
      ['tenant-a', '', '', '', ''],
      ['v6-large', '0', '0', '0', '18446744073709551616'],
    ]);
    const status = JSON.parse(
      await c.ok(['get', 'ipaddresspool', 'v6-large', '-n', NS, '-o', 'jsonpath={.status}']),
    ) as unknown;
    expect(status).toEqual({ assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 0, availableIPv6: twoTo64 });
  });

  it.each([
    [
      { availableIPv6: '-1' },
      `status.availableIPv6: Invalid value: "-1": status.availableIPv6 in body should match '^(0|[1-9][0-9]*)$'`,
    ],
    [
      { availableIPv6: 'many' },
      `status.availableIPv6: Invalid value: "many": status.availableIPv6 in body should match '^(0|[1-9][0-9]*)$'`,
    ],
    [
      { assignedIPv4: -1 },
      'status.assignedIPv4: Invalid value: -1: status.assignedIPv4 in body should be greater than or equal to 0',
    ],
  ])('refuses the status %j', async (status, cause) => {
    const r = await c.kubectl([
      'patch',
      'ipaddresspool/lab',
      '-n',
      NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`The IPAddressPool "lab" is invalid: ${cause}\n`);
  });
});

describe('schema violations are refused with the real texts', () => {
  const object = (kind: string, name: string, spec?: string): string =>
    `apiVersion: ironlb.io/v1beta1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${NS}}\n${spec === undefined ? '' : `spec: ${spec}\n`}`;
  const pattern = (field: string, value: string, re: string): string =>
    `${field}: Invalid value: "${value}": ${field} in body should match '${re}'`;
  const ADDRESS = String.raw`^[0-9A-Fa-f.:]+(/[0-9]{1,3}|\s*-\s*[0-9A-Fa-f.:]+)$`;

  it.each([
    [
      'BFDProfile',
      'too-few',
      '{detectMultiplier: 1}',
      'spec.detectMultiplier: Invalid value: 1: spec.detectMultiplier in body should be greater than or equal to 2',
    ],
    [
      'BFDProfile',
      'too-slow',
      '{receiveInterval: 60001}',
      'spec.receiveInterval: Invalid value: 60001: spec.receiveInterval in body should be less than or equal to 60000',
    ],
    [
      'BFDProfile',
      'ttl',
      '{minimumTtl: 255}',
      'spec.minimumTtl: Invalid value: 255: spec.minimumTtl in body should be less than or equal to 254',
    ],
    ['BGPPeer', 'no-asn', '{myASN: 64512, peerAddress: 203.0.113.1}', 'spec.peerASN: Required value'],
    [
      'BGPPeer',
      'big-asn',
      '{myASN: 4294967296, peerASN: 64512, peerAddress: 203.0.113.1}',
      'spec.myASN: Invalid value: 4294967296: spec.myASN in body should be less than or equal to 4294967295',
    ],
    [
      'BGPPeer',
      'port',
      '{myASN: 64512, peerASN: 64512, peerAddress: 203.0.113.1, peerPort: 65536}',
      'spec.peerPort: Invalid value: 65536: spec.peerPort in body should be less than or equal to 65535',
    ],
    [
      'BGPPeer',
      'hold',
      '{myASN: 64512, peerASN: 64512, peerAddress: 203.0.113.1, holdTime: "90"}',
      pattern('spec.holdTime', '90', '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$'),
    ],
    [
      'BGPPeer',
      'router-id',
      '{myASN: 64512, peerASN: 64512, peerAddress: 203.0.113.1, routerID: "2001:db8::1"}',
      'spec.routerID: Invalid value: "2001:db8::1": spec.routerID in body must be of type ipv4: "2001:db8::1"',
    ],
    [
      'BGPAdvertisement',
      'agg',
      '{aggregationLength: 33}',
      'spec.aggregationLength: Invalid value: 33: spec.aggregationLength in body should be less than or equal to 32',
    ],
    ['IPAddressPool', 'no-spec', undefined, 'spec: Required value'],
    [
      'IPAddressPool',
      'empty',
      '{addresses: []}',
      'spec.addresses: Invalid value: 0: spec.addresses in body should have at least 1 items',
    ],
    ['IPAddressPool', 'word', '{addresses: [lab]}', pattern('spec.addresses[0]', 'lab', ADDRESS)],
    ['IPAddressPool', 'bare', '{addresses: [198.51.100.7]}', pattern('spec.addresses[0]', '198.51.100.7', ADDRESS)],
    [
      'IPAddressPool',
      'twice',
      '{addresses: [198.51.100.0/28, 198.51.100.0/28]}',
      'spec.addresses[1]: Duplicate value: "198.51.100.0/28"',
    ],
    [
      'IPAddressPool',
      'auto-yes',
      '{addresses: [198.51.100.0/28], autoAssign: "yes"}',
      'spec.autoAssign: Invalid value: "string": spec.autoAssign in body must be of type boolean: "string"',
    ],
    [
      'IPAddressPool',
      'priority',
      '{addresses: [198.51.100.0/28], serviceAllocation: {priority: -1}}',
      'spec.serviceAllocation.priority: Invalid value: -1: spec.serviceAllocation.priority in body should be greater than or equal to 0',
    ],
    [
      'L2Advertisement',
      'operator',
      '{nodeSelectors: [{matchExpressions: [{key: a, operator: Equals}]}]}',
      'spec.nodeSelectors[0].matchExpressions[0].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"',
    ],
    [
      'Community',
      'alias-twice',
      '{communities: [{name: a, value: "64512:1"}, {name: a, value: "64512:2"}]}',
      'spec.communities[1]: Duplicate value: map[string]interface {}{"name":"a"}',
    ],
    [
      'Community',
      'alias-value',
      '{communities: [{name: a, value: "64512"}]}',
      pattern(
        'spec.communities[0].value',
        '64512',
        '^([0-9]{1,5}:[0-9]{1,5}|large:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10})$',
      ),
    ],
  ])('%s %s', async (kind, name, spec, cause) => {
    const r = await c.kubectl(['apply', '-f', '-'], object(kind, name, spec));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`The ${kind} "${name}" is invalid: ${cause}\n`);
  });

  it('lists every cause of a BGPPeer with several', async () => {
    const r = await c.kubectl(
      ['apply', '-f', '-'],
      object('BGPPeer', 'many', '{myASN: -1, peerAddress: "203.0.113.300", peerPort: 0}'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^The BGPPeer "many" is invalid: \n/);
    for (const cause of [
      '* spec.myASN: Invalid value: -1: spec.myASN in body should be greater than or equal to 0',
      '* spec.peerASN: Required value',
      '* spec.peerPort: Invalid value: 0: spec.peerPort in body should be greater than or equal to 1',
      '* spec.peerAddress: Invalid value: "203.0.113.300": spec.peerAddress in body must validate at least one schema (anyOf)',
    ])
      expect(r.stderr).toContain(cause);
  });
});

describe('the samples', () => {
  it('apply, one file per kind, every object created or unchanged', async () => {
    const files = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml'));
    expect(files.map((f) => f.replace('.yaml', '')).sort()).toEqual(KINDS.map(([, kind]) => kind.toLowerCase()));
    const out = await c.ok(['apply', '-f', SAMPLES]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(13);
    for (const line of lines) expect(line).toMatch(/^[a-z0-9]+\.ironlb\.io\/[a-z0-9-]+ (created|unchanged)$/);
    for (const [plural] of KINDS) expect((await get(plural)).length).toBeGreaterThan(0);
  });

  it('fill in every BFDProfile default, even with no spec', async () => {
    const spec = JSON.parse(
      await c.ok(['get', 'bfdprofile', 'defaults', '-n', NS, '-o', 'jsonpath={.spec}']),
    ) as unknown;
    expect(spec).toEqual({
      receiveInterval: 300,
      transmitInterval: 300,
      detectMultiplier: 3,
      echoInterval: 50,
      echoMode: false,
      passiveMode: false,
      minimumTtl: 254,
    });
    expect((await get('bfdprofiles')).map((r) => [r.NAME, r['TRANSMIT INTERVAL'], r.MULTIPLIER])).toEqual([
      ['defaults', '300', '3'],
      ['fast', '100', '5'],
    ]);
  });

  it('default the BGPAdvertisement aggregation lengths, and peerPort 179', async () => {
    expect(await c.ok(['get', 'bgpadvertisement', 'everything', '-n', NS, '-o', 'jsonpath={.spec}'])).toBe(
      '{"aggregationLength":32,"aggregationLengthV6":128}',
    );
    expect(await c.ok(['get', 'bgppeer', 'router-v4', '-n', NS, '-o', 'jsonpath={.spec.peerPort}'])).toBe('179');
    expect((await get('bgppeers', '-o', 'wide')).map((r) => [r.NAME, r.ADDRESS, r.ASN, r['MY ASN']])).toEqual([
      ['router-v4', '203.0.113.1', '64513', '64512'],
      ['router-v6', '2001:db8::1', '4200000001', '4200000000'],
    ]);
  });

  it('print a ServiceL2Status from the status the speaker writes', async () => {
    await patchStatus('servicel2status/l2-default-web', {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'default',
      interfaces: [{ name: 'eth0' }],
    });
    const [row] = await get('servicel2statuses');
    expect([row.NAME, row['ALLOCATED NODE'], row['SERVICE NAME'], row['SERVICE NAMESPACE']]).toEqual([
      'l2-default-web',
      'node1',
      'web',
      'default',
    ]);
  });

  it('print a ServiceBGPStatus with its node, Service and peers', async () => {
    await patchStatus('servicebgpstatus/bgp-default-web', {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'default',
      peers: ['router-v4', 'router-v6'],
    });
    const out = await c.ok(['get', 'servicebgpstatuses', '-n', NS]);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+NODE\s+SERVICE NAME\s+SERVICE NAMESPACE\s+PEERS\s+AGE$/);
    const [row] = table(out);
    expect([row.NAME, row.NODE, row['SERVICE NAME'], row['SERVICE NAMESPACE'], row.PEERS]).toEqual([
      'bgp-default-web',
      'node1',
      'web',
      'default',
      '["router-v4","router-v6"]',
    ]);
  });

  it('refuse a ServiceBGPStatus whose peers are not names', async () => {
    const r = await c.kubectl([
      'patch',
      'servicebgpstatus/bgp-default-web',
      '-n',
      NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { peers: [7] } }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'status.peers[0]: Invalid value: "integer": status.peers[0] in body must be of type string',
    );
  });

  it('are all listed by the ironlb category', async () => {
    const out = await c.ok(['get', 'ironlb', '-n', NS, '-o', 'name']);
    const kinds = new Set(
      out
        .trim()
        .split('\n')
        .map((n) => n.split('/')[0]),
    );
    expect(kinds).toEqual(new Set(KINDS.map(([, kind]) => `${kind.toLowerCase()}.ironlb.io`)));
  });
});
