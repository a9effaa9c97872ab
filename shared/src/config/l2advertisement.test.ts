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
});
