import { capabilityNames, processSecurity } from './capabilities';

describe('capabilityNames', () => {
  it('names the bits set, by bit number', () => {
    expect(capabilityNames('0000000000003400')).toEqual(['net_bind_service', 'net_admin', 'net_raw']);
    expect(capabilityNames('0000000000002000')).toEqual(['net_raw']);
    expect(capabilityNames('1')).toEqual(['chown']);
    expect(capabilityNames('0000000000000000')).toEqual([]);
    expect(capabilityNames('')).toEqual([]);
  });
  it('knows the last named capability and shows bits past it by number', () => {
    expect(capabilityNames((1n << 40n).toString(16))).toEqual(['checkpoint_restore']);
    expect(capabilityNames(((1n << 41n) | (1n << 63n)).toString(16))).toEqual(['41', '63']);
  });
  it('names the full set of a root shell', () => {
    expect(capabilityNames('000001ffffffffff')).toHaveLength(41);
  });
});

describe('processSecurity', () => {
  it('reads the real uid, the effective set and no_new_privs', () => {
    const status = [
      'Name:\tnode',
      'Uid:\t65534\t65534\t65534\t65534',
      'CapInh:\t0000000000000000',
      'CapPrm:\t0000000000003000',
      'CapEff:\t0000000000003000',
      'CapBnd:\t0000000000003000',
      'NoNewPrivs:\t1',
    ].join('\n');
    expect(processSecurity(status)).toEqual({ uid: 65534, effective: ['net_admin', 'net_raw'], noNewPrivs: true });
    expect(processSecurity('Uid:\t0\t0\t0\t0\nCapEff:\t0\nNoNewPrivs:\t0')).toEqual({
      uid: 0,
      effective: [],
      noNewPrivs: false,
    });
  });
});
