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
    expect(capabilityNames((1n << 64n).toString(16))).toEqual(['64']);
  });
  it('names the full set of a root shell in capability(7) order', () => {
    expect(capabilityNames('000001ffffffffff')).toEqual([
      'chown',
      'dac_override',
      'dac_read_search',
      'fowner',
      'fsetid',
      'kill',
      'setgid',
      'setuid',
      'setpcap',
      'linux_immutable',
      'net_bind_service',
      'net_broadcast',
      'net_admin',
      'net_raw',
      'ipc_lock',
      'ipc_owner',
      'sys_module',
      'sys_rawio',
      'sys_chroot',
      'sys_ptrace',
      'sys_pacct',
      'sys_admin',
      'sys_boot',
      'sys_nice',
      'sys_resource',
      'sys_time',
      'sys_tty_config',
      'mknod',
      'lease',
      'audit_write',
      'audit_control',
      'setfcap',
      'mac_override',
      'mac_admin',
      'syslog',
      'wake_alarm',
      'block_suspend',
      'audit_read',
      'perfmon',
      'bpf',
      'checkpoint_restore',
    ]);
  });
});

describe('processSecurity', () => {
  it('reads only the lines it names, however wide their spacing', () => {
    const status = [
      'XUid:\t5',
      'Uid:  \t7\t7\t7\t7',
      'XCapEff:\t1',
      'CapEff:  \t2000',
      'XNoNewPrivs:\t1',
      'NoNewPrivs:  \t0',
    ].join('\n');
    expect(processSecurity(status)).toEqual({ uid: 7, effective: ['net_raw'], noNewPrivs: false });
    expect(processSecurity('NoNewPrivs:  \t1')).toEqual({ uid: NaN, effective: [], noNewPrivs: true });
  });

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
