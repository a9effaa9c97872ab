import { parseL2Advertisements } from './l2advertisement';

const adv = (name: string, spec: unknown): unknown => ({
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'L2Advertisement',
  metadata: { name, namespace: 'ironlb-system' },
  spec,
});

describe('parseL2Advertisements', () => {
  it('reads MetalLB-shaped objects, empty meaning every pool, node and interface; sorted by name', () => {
    const { advertisements, errors } = parseL2Advertisements([
      adv('zz-all', undefined),
      adv('aa-some', {
        ipAddressPools: ['lab'],
        ipAddressPoolSelectors: [{ matchLabels: { zone: 'a' } }],
        nodeSelectors: [{ matchExpressions: [{ key: 'role', operator: 'In', values: ['edge'] }] }],
        interfaces: ['eth0'],
      }),
    ]);
    expect(errors).toEqual([]);
    expect(advertisements).toEqual([
      {
        name: 'aa-some',
        ipAddressPools: ['lab'],
        ipAddressPoolSelectors: [{ matchLabels: { zone: 'a' }, matchExpressions: [] }],
        nodeSelectors: [{ matchLabels: {}, matchExpressions: [{ key: 'role', operator: 'In', values: ['edge'] }] }],
        interfaces: ['eth0'],
      },
      { name: 'zz-all', ipAddressPools: [], ipAddressPoolSelectors: [], nodeSelectors: [], interfaces: [] },
    ]);
  });

  it('leaves a bad object out whole, naming the object and every bad field', () => {
    const { advertisements, errors } = parseL2Advertisements([
      adv('bad', { ipAddressPools: 'lab', interfaces: ['eth0', ''], nodeSelectors: [{ matchLabels: 'x' }] }),
      adv('good', {}),
      'junk',
    ]);
    expect(advertisements.map((a) => a.name)).toEqual(['good']);
    expect(errors).toEqual([
      {
        object: 'L2Advertisement ironlb-system/bad',
        field: 'spec.ipAddressPools',
        message: 'must be a list of strings, got string',
      },
      {
        object: 'L2Advertisement ironlb-system/bad',
        field: 'spec.nodeSelectors[0].matchLabels',
        message: expect.any(String),
      },
      {
        object: 'L2Advertisement ironlb-system/bad',
        field: 'spec.interfaces[1]',
        message: 'must be a non-empty string, got ""',
      },
      { object: 'L2Advertisement items[2]', field: '', message: 'must be an L2Advertisement object, got string' },
    ]);
  });

  it('reads its identity as every kind does: no name, another kind, one object per name (first by namespace)', () => {
    const { advertisements, errors } = parseL2Advertisements([
      { kind: 'L2Advertisement', spec: {} },
      { kind: 'IPAddressPool', metadata: { name: 'other' } },
      { metadata: { name: 'twice', namespace: 'b' } },
      { metadata: { name: 'twice', namespace: 'a' }, spec: null },
    ]);
    expect(advertisements).toEqual([
      { name: 'twice', ipAddressPools: [], ipAddressPoolSelectors: [], nodeSelectors: [], interfaces: [] },
    ]);
    expect(errors).toEqual([
      { object: 'L2Advertisement other', field: 'kind', message: 'must be L2Advertisement, got "IPAddressPool"' },
      {
        object: 'L2Advertisement b/twice',
        field: 'metadata.name',
        message:
          'L2Advertisement a/twice has the same name and is loaded; the Config knows L2Advertisements by name alone, so this one is not',
      },
      { object: 'L2Advertisement items[0]', field: 'metadata', message: 'must be an object, got undefined' },
    ]);
  });

  it('refuses a name listed twice, as the API server refuses it in a set', () => {
    const { errors } = parseL2Advertisements([adv('twice', { interfaces: ['eth0', 'eth1', 'eth0'] })]);
    expect(errors).toEqual([
      {
        object: 'L2Advertisement ironlb-system/twice',
        field: 'spec.interfaces[2]',
        message: '"eth0" is already spec.interfaces[0]; list each once',
      },
    ]);
  });
});
