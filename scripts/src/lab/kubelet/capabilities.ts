/**
 * Linux capability sets as /proc/<pid>/status shows them (hex masks), named as capability(7) names them. Pure: the
 * demo and the chart's lab test read what a pod's process holds without libcap's capsh.
 */

/** capability(7), by bit number. */
const NAMES = [
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
];

/** The names of the bits set in a hex mask, by bit number; a bit past the table shows as its number. */
export function capabilityNames(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask || '0'}`);
  const names: string[] = [];
  for (let bit = 0; mask >> BigInt(bit) > 0n; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(NAMES[bit] ?? String(bit));
  }
  return names;
}

export interface ProcessSecurity {
  uid: number;
  /** Effective capabilities, by bit number. */
  effective: string[];
  noNewPrivs: boolean;
}

/** The user, effective capabilities and no_new_privs of a /proc/<pid>/status text. */
export function processSecurity(status: string): ProcessSecurity {
  return {
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? NaN),
    effective: capabilityNames(/^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1] ?? ''),
    noNewPrivs: /^NoNewPrivs:\s+1$/m.test(status),
  };
}
