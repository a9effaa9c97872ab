/**
 * IPVS messages byte for byte. Every expected message below is written out by hand from the uapi headers, not
 * produced by our encoder: linux/netlink.h (struct nlmsghdr: __u32 len, __u16 type, __u16 flags, __u32 seq,
 * __u32 pid; struct nlattr: __u16 nla_len, __u16 nla_type; payloads padded to 4 bytes, nla_len without the padding),
 * linux/genetlink.h (struct genlmsghdr: __u8 cmd, __u8 version, __u16 reserved) and linux/ip_vs.h (command and
 * attribute numbers, struct ip_vs_flags). Host-order integers are little-endian here (x86, arm64), except in the
 * one big-endian vector. The family id 0x0023 stands for whatever the controller resolves "IPVS" to.
 */
import { mustParseIP } from '@ironlb/shared';
import type { IpvsCommand } from './diff';
import {
  addressBytes,
  addressFrom,
  decodeDest,
  decodeService,
  destFrom,
  encodeGetDests,
  encodeGetServices,
  encodeIpvsCommand,
  serviceFrom,
} from './messages';
import { NetlinkFormatError, parseAttrs, parseGenl, splitMessages, u16, u32 } from './netlink';
import { dest, hex, service } from './testPlans';

const FRAME = { family: 0x23, seq: 1 };
const web = service('198.51.100.10', 'TCP', 80);
const backend = dest('203.0.113.1', 8080);

/** IPVS_CMD_ATTR_SERVICE with the identifying attributes of 198.51.100.10 TCP 80 (36 bytes). */
const WEB_ID = `
  2400 0100     // nlattr len 36, type IPVS_CMD_ATTR_SERVICE (1), no NLA_F_NESTED
  0600 0100     // len 6, IPVS_SVC_ATTR_AF (1)
  0200 0000     //   AF_INET (2), u16 host order, 2 bytes padding
  0600 0200     // len 6, IPVS_SVC_ATTR_PROTOCOL (2)
  0600 0000     //   IPPROTO_TCP (6), u16, padding
  0800 0300     // len 8, IPVS_SVC_ATTR_ADDR (3)
  c633640a      //   198.51.100.10: 4 bytes for IPv4
  0600 0400     // len 6, IPVS_SVC_ATTR_PORT (4)
  0050 0000     //   80 as __be16, padding
`;

describe('encoding commands', () => {
  test('IPVS_CMD_NEW_SERVICE, IPv4 TCP, no persistence', () => {
    const expected = hex(`
      5c000000  // nlmsg_len 92 = 16 + 4 + 72
      2300      // nlmsg_type: the IPVS family id
      0500      // nlmsg_flags NLM_F_REQUEST (1) | NLM_F_ACK (4)
      01000000  // nlmsg_seq 1
      00000000  // nlmsg_pid 0
      01        // genlmsghdr.cmd IPVS_CMD_NEW_SERVICE (1)
      01        // genlmsghdr.version IPVS_GENL_VERSION (1)
      0000      // reserved
      4800 0100 // nlattr len 72, IPVS_CMD_ATTR_SERVICE (1)
      0600 0100 0200 0000          // IPVS_SVC_ATTR_AF (1): AF_INET (2)
      0600 0200 0600 0000          // IPVS_SVC_ATTR_PROTOCOL (2): IPPROTO_TCP (6)
      0800 0300 c633640a           // IPVS_SVC_ATTR_ADDR (3): 198.51.100.10
      0600 0400 0050 0000          // IPVS_SVC_ATTR_PORT (4): 80, __be16
      0700 0600 727200 00          // IPVS_SVC_ATTR_SCHED_NAME (6): "rr" NUL, len 7, 1 byte padding
      0c00 0700 00000000 ffffffff  // IPVS_SVC_ATTR_FLAGS (7): struct ip_vs_flags { flags 0, mask ~0 }
      0800 0800 00000000           // IPVS_SVC_ATTR_TIMEOUT (8): 0 s, u32
      0800 0900 ffffffff           // IPVS_SVC_ATTR_NETMASK (9): 255.255.255.255, __be32
    `);
    expect(encodeIpvsCommand({ op: 'newService', service: web }, FRAME, 'LE').toString('hex')).toBe(
      expected.toString('hex'),
    );
  });

  test('IPVS_CMD_NEW_SERVICE, IPv6 UDP with persistence (ClientIP affinity, 10800 s)', () => {
    const sticky = service('2001:db8::10', 'UDP', 53, { flags: 1, timeoutSec: 10800, netmask: 128 });
    const expected = hex(`
      68000000  // nlmsg_len 104 = 16 + 4 + 84
      2300 0500 // type: IPVS family; flags REQUEST | ACK
      07000000  // seq 7
      00000000  // pid 0
      01 01 0000                   // IPVS_CMD_NEW_SERVICE, version 1
      5400 0100                    // len 84, IPVS_CMD_ATTR_SERVICE
      0600 0100 0a00 0000          // IPVS_SVC_ATTR_AF: AF_INET6 (10)
      0600 0200 1100 0000          // IPVS_SVC_ATTR_PROTOCOL: IPPROTO_UDP (17)
      1400 0300                    // len 20, IPVS_SVC_ATTR_ADDR: 16 bytes
      20010db8 00000000 00000000 00000010 //   2001:db8::10
      0600 0400 0035 0000          // IPVS_SVC_ATTR_PORT: 53, __be16
      0700 0600 727200 00          // IPVS_SVC_ATTR_SCHED_NAME: "rr"
      0c00 0700 01000000 ffffffff  // IPVS_SVC_ATTR_FLAGS: IP_VS_SVC_F_PERSISTENT (1), mask ~0
      0800 0800 302a0000           // IPVS_SVC_ATTR_TIMEOUT: 10800 = 0x2a30, u32 host order
      0800 0900 80000000           // IPVS_SVC_ATTR_NETMASK: prefix length 128, host order (the kernel casts)
    `);
    expect(encodeIpvsCommand({ op: 'newService', service: sticky }, { family: 0x23, seq: 7 }, 'LE')).toEqual(expected);
  });

  test('IPVS_CMD_NEW_DEST: a masquerading destination of weight 1', () => {
    const expected = hex(`
      74000000 2300 0500 02000000 00000000 // len 116 = 16 + 4 + 36 + 60, IPVS family, REQUEST|ACK, seq 2, pid 0
      05 01 0000                           // IPVS_CMD_NEW_DEST (5), version 1
      ${WEB_ID}
      3c00 0200                            // len 60, IPVS_CMD_ATTR_DEST (2)
      0800 0100 cb007101                   // IPVS_DEST_ATTR_ADDR (1): 203.0.113.1
      0600 0200 1f90 0000                  // IPVS_DEST_ATTR_PORT (2): 8080, __be16
      0800 0300 00000000                   // IPVS_DEST_ATTR_FWD_METHOD (3): IP_VS_CONN_F_MASQ (0)
      0800 0400 01000000                   // IPVS_DEST_ATTR_WEIGHT (4): 1
      0800 0500 00000000                   // IPVS_DEST_ATTR_U_THRESH (5): 0, no limit
      0800 0600 00000000                   // IPVS_DEST_ATTR_L_THRESH (6): 0
      0600 0b00 0200 0000                  // IPVS_DEST_ATTR_ADDR_FAMILY (11): AF_INET
    `);
    expect(encodeIpvsCommand({ op: 'newDest', service: web, dest: backend }, { ...FRAME, seq: 2 }, 'LE')).toEqual(
      expected,
    );
  });

  test('IPVS_CMD_DEL_DEST: the destination identified by address, port and family', () => {
    const expected = hex(`
      54000000 2300 0500 03000000 00000000 // len 84 = 16 + 4 + 36 + 28, seq 3
      07 01 0000                           // IPVS_CMD_DEL_DEST (7)
      ${WEB_ID}
      1c00 0200                            // len 28, IPVS_CMD_ATTR_DEST
      0800 0100 cb007101                   // IPVS_DEST_ATTR_ADDR: 203.0.113.1
      0600 0200 1f90 0000                  // IPVS_DEST_ATTR_PORT: 8080
      0600 0b00 0200 0000                  // IPVS_DEST_ATTR_ADDR_FAMILY: AF_INET
    `);
    expect(encodeIpvsCommand({ op: 'delDest', service: web, dest: backend }, { ...FRAME, seq: 3 }, 'LE')).toEqual(
      expected,
    );
  });

  test('IPVS_CMD_DEL_SERVICE: the identifying attributes only', () => {
    const expected = hex(`
      38000000 2300 0500 04000000 00000000 // len 56 = 16 + 4 + 36, seq 4
      03 01 0000                           // IPVS_CMD_DEL_SERVICE (3)
      ${WEB_ID}
    `);
    expect(encodeIpvsCommand({ op: 'delService', service: web }, { ...FRAME, seq: 4 }, 'LE')).toEqual(expected);
  });

  test('IPVS_CMD_SET_SERVICE and IPVS_CMD_SET_DEST: the new or changed message with commands 2 and 6', () => {
    const set = encodeIpvsCommand({ op: 'setService', service: web }, FRAME, 'LE');
    const add = encodeIpvsCommand({ op: 'newService', service: web }, FRAME, 'LE');
    expect(set[16]).toBe(2); // IPVS_CMD_SET_SERVICE
    expect(Buffer.concat([set.subarray(0, 16), set.subarray(17)])).toEqual(
      Buffer.concat([add.subarray(0, 16), add.subarray(17)]),
    );
    const setD = encodeIpvsCommand({ op: 'setDest', service: web, dest: backend }, FRAME, 'LE');
    const addD = encodeIpvsCommand({ op: 'newDest', service: web, dest: backend }, FRAME, 'LE');
    expect(setD[16]).toBe(6); // IPVS_CMD_SET_DEST
    expect(Buffer.concat([setD.subarray(0, 16), setD.subarray(17)])).toEqual(
      Buffer.concat([addD.subarray(0, 16), addD.subarray(17)]),
    );
  });

  test('IPVS_CMD_FLUSH: no attributes', () => {
    expect(encodeIpvsCommand({ op: 'flush' }, { ...FRAME, seq: 9 }, 'LE')).toEqual(
      hex(`
        14000000 2300 0500 09000000 00000000 // len 20, REQUEST|ACK, seq 9
        11 01 0000                           // IPVS_CMD_FLUSH (17)
      `),
    );
  });

  test('IPv6 destination of an IPv6 service', () => {
    const v6 = service('2001:db8::10', 'TCP', 443);
    const d6 = dest('2001:db8:1::5', 8443, { weight: 3 });
    expect(encodeIpvsCommand({ op: 'newDest', service: v6, dest: d6 }, FRAME, 'LE')).toEqual(
      hex(`
        8c000000 2300 0500 01000000 00000000 // len 140 = 16 + 4 + 48 + 72
        05 01 0000                           // IPVS_CMD_NEW_DEST
        3000 0100                            // len 48, IPVS_CMD_ATTR_SERVICE
        0600 0100 0a00 0000                  // AF_INET6
        0600 0200 0600 0000                  // IPPROTO_TCP
        1400 0300 20010db8 00000000 00000000 00000010 // IPVS_SVC_ATTR_ADDR 2001:db8::10
        0600 0400 01bb 0000                  // port 443
        4800 0200                            // len 72, IPVS_CMD_ATTR_DEST
        1400 0100 20010db8 00010000 00000000 00000005 // IPVS_DEST_ATTR_ADDR 2001:db8:1::5
        0600 0200 20fb 0000                  // port 8443
        0800 0300 00000000                   // MASQ
        0800 0400 03000000                   // weight 3
        0800 0500 00000000                   // U_THRESH
        0800 0600 00000000                   // L_THRESH
        0600 0b00 0a00 0000                  // ADDR_FAMILY AF_INET6
      `),
    );
  });

  test('big-endian hosts: netlink integers big-endian, ports and the IPv4 mask unchanged', () => {
    const expected = hex(`
      0000005c 0023 0005 00000001 00000000 // nlmsghdr, host order = big-endian
      01 01 0000
      0048 0001
      0006 0001 0002 0000                  // AF_INET
      0006 0002 0006 0000                  // IPPROTO_TCP
      0008 0003 c633640a
      0006 0004 0050 0000                  // port 80, __be16 as always
      0007 0006 727200 00
      000c 0007 00000000 ffffffff
      0008 0008 00000000
      0008 0009 ffffffff
    `);
    expect(encodeIpvsCommand({ op: 'newService', service: web }, FRAME, 'BE')).toEqual(expected);
    const v6 = service('2001:db8::10', 'TCP', 80);
    // The IPv6 prefix length is a host-order integer: 128 big-endian.
    expect(encodeIpvsCommand({ op: 'newService', service: v6 }, FRAME, 'BE').subarray(-4)).toEqual(hex('00000080'));
  });
});

describe('encoding dump requests', () => {
  test('IPVS_CMD_GET_SERVICE dump: NLM_F_REQUEST | NLM_F_DUMP, no attributes', () => {
    expect(encodeGetServices({ family: 0x23, seq: 5 }, 'LE')).toEqual(
      hex(`
        14000000 2300 // len 20, IPVS family
        0103          // NLM_F_REQUEST (0x001) | NLM_F_DUMP (0x300)
        05000000 00000000
        04 01 0000    // IPVS_CMD_GET_SERVICE (4), version 1
      `),
    );
  });

  test('IPVS_CMD_GET_DEST dump: the service named by its identifying attributes', () => {
    expect(encodeGetDests(web, { family: 0x23, seq: 6 }, 'LE')).toEqual(
      hex(`
        38000000 2300 0103 06000000 00000000 // len 56 = 16 + 4 + 36, REQUEST | DUMP
        08 01 0000                           // IPVS_CMD_GET_DEST (8)
        ${WEB_ID}
      `),
    );
  });
});

/**
 * Dump answers as ip_vs_genl_fill_service and ip_vs_genl_fill_dest write them (ip_vs_ctl.c): a nest without
 * NLA_F_NESTED, addresses always 16 bytes, IP_VS_SVC_F_HASHED set, the mask all ones, statistics nests.
 */
const DUMPED_SERVICE = `
  01 01 0000                   // IPVS_CMD_NEW_SERVICE (dumps answer with NEW), version 1
  8000 0100                    // len 128, IPVS_CMD_ATTR_SERVICE
  0600 0100 0200 0000          // AF_INET
  0600 0200 0600 0000          // IPPROTO_TCP
  1400 0300 c633640a 00000000 00000000 00000000 // ADDR: 198.51.100.10 in the first 4 of 16 bytes
  0600 0400 0050 0000          // PORT 80
  0700 0600 727200 00          // SCHED_NAME "rr"
  0c00 0700 03000000 ffffffff  // FLAGS: PERSISTENT | HASHED, mask ~0
  0800 0800 2c010000           // TIMEOUT 300 s
  0800 0900 ffffffff           // NETMASK
  1c00 0a00                    // IPVS_SVC_ATTR_STATS (10), len 28
  0800 0100 05000000           //   IPVS_STATS_ATTR_CONNS 5
  0800 0200 07000000           //   INPKTS 7
  0800 0300 06000000           //   OUTPKTS 6
  1000 0c00                    // IPVS_SVC_ATTR_STATS64 (12), len 16
  0c00 0100 05000000 00000000  //   CONNS 5, u64
`;

const DUMPED_DEST = `
  05 01 0000                   // IPVS_CMD_NEW_DEST, version 1
  7800 0200                    // len 120, IPVS_CMD_ATTR_DEST
  1400 0100 cb007101 00000000 00000000 00000000 // ADDR 203.0.113.1, 16 bytes
  0600 0200 1f90 0000          // PORT 8080
  0800 0300 00000000           // FWD_METHOD MASQ
  0800 0400 01000000           // WEIGHT 1
  0500 0d00 00 000000          // IPVS_DEST_ATTR_TUN_TYPE (13), u8
  0600 0e00 0000 0000          // TUN_PORT (14)
  0600 0f00 0000 0000          // TUN_FLAGS (15)
  0800 0500 00000000           // U_THRESH
  0800 0600 00000000           // L_THRESH
  0800 0700 02000000           // ACTIVE_CONNS (7) 2
  0800 0800 00000000           // INACT_CONNS (8)
  0800 0900 00000000           // PERSIST_CONNS (9)
  0600 0b00 0200 0000          // ADDR_FAMILY AF_INET
`;

describe('decoding dump answers', () => {
  test('a service: the 16-byte address read by family, HASHED dropped, statistics ignored', () => {
    expect(decodeService(hex(DUMPED_SERVICE), 'LE')).toEqual({
      kind: 'service',
      service: service('198.51.100.10', 'TCP', 80, { flags: 1, timeoutSec: 300 }),
    });
  });

  test('a service whose nest has NLA_F_NESTED reads the same', () => {
    const b = hex(DUMPED_SERVICE);
    b.writeUInt16LE(0x8001, 6); // IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED
    expect(decodeService(b, 'LE')).toEqual(decodeService(hex(DUMPED_SERVICE), 'LE'));
  });

  test('an IPv6 service: prefix length in host order', () => {
    const b = hex(`
      01 01 0000
      5400 0100
      0600 0100 0a00 0000                  // AF_INET6
      0600 0200 8400 0000                  // IPPROTO_SCTP (132)
      1400 0300 20010db8 00000000 00000000 00000010
      0600 0400 0f1c 0000                  // PORT 3868
      0700 0600 727200 00
      0c00 0700 02000000 ffffffff          // HASHED only
      0800 0800 00000000
      0800 0900 80000000                   // 128
    `);
    expect(decodeService(b, 'LE')).toEqual({ kind: 'service', service: service('2001:db8::10', 'SCTP', 3868) });
  });

  test('a firewall-mark service and a service of another protocol are foreign, not errors', () => {
    const fwmark = hex(`
      01 01 0000
      3800 0100                            // len 56
      0600 0100 0200 0000                  // AF_INET
      0800 0500 07000000                   // IPVS_SVC_ATTR_FWMARK (5): 7
      0700 0600 727200 00
      0c00 0700 02000000 ffffffff
      0800 0800 00000000
      0800 0900 ffffffff
    `);
    expect(decodeService(fwmark, 'LE')).toEqual({ kind: 'foreign', why: 'firewall mark 7' });
    const other = hex(DUMPED_SERVICE);
    other.writeUInt16LE(50, 20); // the PROTOCOL value: IPPROTO_ESP
    expect(decodeService(other, 'LE')).toEqual({ kind: 'foreign', why: 'protocol 50' });
  });

  test('a destination, with the attributes we do not model skipped', () => {
    expect(decodeDest(hex(DUMPED_DEST), 'IPv4', 'LE')).toEqual(backend);
  });

  test('a destination from a kernel before 3.18 (no ADDR_FAMILY): its service family', () => {
    const b = hex(`
      05 01 0000
      4000 0200                            // len 64, IPVS_CMD_ATTR_DEST
      1400 0100 20010db8 00010000 00000000 00000005
      0600 0200 0050 0000
      0800 0300 00000000
      0800 0400 00000000                   // weight 0: drained
      0800 0500 00000000
      0800 0600 00000000
    `);
    expect(decodeDest(b, 'IPv6', 'LE')).toEqual(dest('2001:db8:1::5', 80, { weight: 0 }));
  });

  test('malformed answers are NetlinkFormatError', () => {
    expect(() => decodeService(hex('01010000'), 'LE')).toThrow(
      new NetlinkFormatError('IPVS answer without attribute 1'),
    ); // no nest
    expect(() => decodeService(hex('05010000 0400 0100'), 'LE')).toThrow(
      new NetlinkFormatError('IPVS answer with command 5, expected 1'),
    ); // wrong command
    expect(() => decodeService(hex('01010000 0c00 0100 0600 0100 0200'), 'LE')).toThrow(NetlinkFormatError); // length
    const noPort = hex(DUMPED_SERVICE);
    noPort.writeUInt16LE(0x3fff, 46); // PORT's type made unknown
    expect(() => decodeService(noPort, 'LE')).toThrow('IPVS_SVC_ATTR_PORT');
    expect(() => addressFrom(Buffer.alloc(3), 'IPv4')).toThrow(new NetlinkFormatError('an IPv4 address in 3 bytes'));
    expect(() => addressFrom(Buffer.alloc(4), 'IPv6')).toThrow(NetlinkFormatError);
  });
});

describe('decoding nests attribute by attribute', () => {
  /** The attributes of the nest an encoded command carries (type -> payload), to take apart. */
  const nestOf = (cmd: IpvsCommand, nest: number): Map<number, Buffer> => {
    const [msg] = splitMessages(encodeIpvsCommand(cmd, FRAME, 'LE'), 'LE');
    return parseAttrs(parseGenl(msg.payload, 'LE').attrs.get(nest)!, 'LE');
  };
  const without = (m: Map<number, Buffer>, type: number): Map<number, Buffer> =>
    new Map([...m].filter(([t]) => t !== type));
  const svcAttrs = nestOf({ op: 'newService', service: web }, 1);
  const destAttrs = nestOf({ op: 'newDest', service: web, dest: backend }, 2);

  test.each([
    [2, 'IPVS_SVC_ATTR_PROTOCOL'],
    [3, 'IPVS_SVC_ATTR_ADDR'],
    [4, 'IPVS_SVC_ATTR_PORT'],
    [6, 'IPVS_SVC_ATTR_SCHED_NAME'],
    [7, 'IPVS_SVC_ATTR_FLAGS'],
    [8, 'IPVS_SVC_ATTR_TIMEOUT'],
    [9, 'IPVS_SVC_ATTR_NETMASK'],
  ])('a service without attribute %i: the error names %s', (type, name) => {
    expect(serviceFrom(svcAttrs, 'LE')).toEqual({ kind: 'service', service: web });
    expect(() => serviceFrom(without(svcAttrs, type), 'LE')).toThrow(
      new NetlinkFormatError(`the kernel's answer lacks ${name}`),
    );
  });

  test('a service of no address family we know, or none, is foreign; a firewall mark of 0 is no mark', () => {
    expect(serviceFrom(new Map([...svcAttrs, [1, u16(99, 'LE')]]), 'LE')).toEqual({
      kind: 'foreign',
      why: 'address family 99',
    });
    expect(serviceFrom(without(svcAttrs, 1), 'LE')).toEqual({ kind: 'foreign', why: 'address family missing' });
    expect(serviceFrom(new Map([...svcAttrs, [5, u32(0, 'LE')]]), 'LE')).toEqual({ kind: 'service', service: web });
  });

  test.each([
    [1, 'IPVS_DEST_ATTR_ADDR'],
    [2, 'IPVS_DEST_ATTR_PORT'],
    [3, 'IPVS_DEST_ATTR_FWD_METHOD'],
    [4, 'IPVS_DEST_ATTR_WEIGHT'],
    [5, 'IPVS_DEST_ATTR_U_THRESH'],
    [6, 'IPVS_DEST_ATTR_L_THRESH'],
  ])('a destination without attribute %i: the error names %s', (type, name) => {
    expect(destFrom(destAttrs, 'IPv4', 'LE')).toEqual(backend);
    expect(() => destFrom(without(destAttrs, type), 'IPv4', 'LE')).toThrow(
      new NetlinkFormatError(`the kernel's answer lacks ${name}`),
    );
  });

  test('a destination of an address family we do not know is an error that names it', () => {
    expect(() => destFrom(new Map([...destAttrs, [11, u16(99, 'LE')]]), 'IPv4', 'LE')).toThrow(
      new NetlinkFormatError('a destination of address family 99'),
    );
  });
});

describe('round trips', () => {
  const services = [
    web,
    service('198.51.100.11', 'UDP', 53, { flags: 1, timeoutSec: 10800 }),
    service('2001:db8::10', 'SCTP', 3868, { flags: 1, timeoutSec: 1, netmask: 64 }),
    service('198.51.100.12', 'TCP', 65535, { scheduler: 'wlc', netmask: 0xffffff00 }),
  ];
  const dests = [backend, dest('2001:db8:1::5', 1, { weight: 100, upperThreshold: 9, lowerThreshold: 3 })];

  test.each(['LE', 'BE'] as const)('a new service decodes back to itself (%s)', (order) => {
    for (const s of services) {
      const [msg] = splitMessages(encodeIpvsCommand({ op: 'newService', service: s }, FRAME, order), order);
      expect(decodeService(msg.payload, order)).toEqual({ kind: 'service', service: s });
    }
  });

  test.each(['LE', 'BE'] as const)('a new destination decodes back to itself (%s)', (order) => {
    for (const d of dests) {
      const cmd: IpvsCommand = { op: 'newDest', service: web, dest: d };
      const [msg] = splitMessages(encodeIpvsCommand(cmd, FRAME, order), order);
      expect(decodeDest(msg.payload, 'IPv4', order)).toEqual(d);
    }
  });

  test('addresses: 4 and 16 bytes, IPv4 read from the first 4 of 16', () => {
    for (const text of ['198.51.100.1', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::']) {
      const ip = mustParseIP(text);
      const bytes = addressBytes(ip);
      expect(bytes.length).toBe(ip.family === 'IPv4' ? 4 : 16);
      expect(addressFrom(bytes, ip.family)).toEqual(ip);
      expect(addressFrom(Buffer.concat([bytes, Buffer.alloc(16 - bytes.length)]), ip.family)).toEqual(ip);
    }
  });
});
