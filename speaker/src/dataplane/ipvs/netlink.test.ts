// Generic netlink framing against bytes written by hand from linux/netlink.h and linux/genetlink.h.
import {
  be16,
  be32,
  encodeGenl,
  encodeGetFamily,
  errnoOf,
  familyIdOf,
  NetlinkFormatError,
  parseAttrs,
  parseGenl,
  readBe16,
  readBe32,
  readString,
  readU16,
  readU32,
  splitMessages,
  stringz,
  u16,
  u32,
} from './netlink';
import { hex } from './testPlans';

describe('encoding', () => {
  test('CTRL_CMD_GETFAMILY "IPVS" to the controller', () => {
    expect(encodeGetFamily('IPVS', 1, 'LE')).toEqual(
      hex(`
        20000000 1000 0500 01000000 00000000
        03 01 0000
        0900 0200 49505653 00 000000
      `),
    );
    // nlmsg_len 32; type GENL_ID_CTRL (0x10); NLM_F_REQUEST | NLM_F_ACK; seq 1; pid 0;
    // cmd CTRL_CMD_GETFAMILY (3), version 1; CTRL_ATTR_FAMILY_NAME (2), len 9: "IPVS" NUL, 3 bytes padding.
  });

  test('nests: the nest length covers its children with their padding, the message the last padding', () => {
    const msg = encodeGenl(
      {
        family: 0x42,
        flags: 1,
        seq: 0xdeadbeef,
        cmd: 9,
        version: 2,
        attrs: [
          {
            type: 1,
            nested: [
              { type: 2, payload: Buffer.from([0xaa]) },
              { type: 3, nested: [] },
            ],
          },
        ],
      },
      'LE',
    );
    expect(msg).toEqual(
      hex(`
        24000000 4200 0100 efbeadde 00000000 // len 36
        09 02 0000
        1000 0100                            // nest len 16 = 4 + 8 + 4
        0500 0200 aa 000000                  // len 5, padded to 8
        0400 0300                            // an empty nest
      `),
    );
  });

  test('an attribute longer than 65535 bytes is refused', () => {
    expect(() =>
      encodeGenl({
        family: 1,
        flags: 0,
        seq: 0,
        cmd: 0,
        version: 0,
        attrs: [{ type: 1, payload: Buffer.alloc(65532) }],
      }),
    ).toThrow(new RangeError('netlink attribute 1 too long: 65536 bytes'));
    // 65535 bytes with the header is the most an attribute's u16 length can say: still written.
    const most = encodeGenl(
      { family: 1, flags: 0, seq: 0, cmd: 0, version: 0, attrs: [{ type: 1, payload: Buffer.alloc(65531) }] },
      'LE',
    );
    expect(most.readUInt16LE(20)).toBe(65535);
  });

  test('integers', () => {
    expect(u16(0x1234, 'LE')).toEqual(hex('3412'));
    expect(u16(0x1234, 'BE')).toEqual(hex('1234'));
    expect(u32(0xfffffffe, 'LE')).toEqual(hex('feffffff'));
    expect(u32(-1, 'BE')).toEqual(hex('ffffffff'));
    expect(be16(8080)).toEqual(hex('1f90'));
    expect(be32(0xffffff00)).toEqual(hex('ffffff00'));
    expect(stringz('rr')).toEqual(hex('727200'));
  });

  test('strings are one byte per character both ways (NLA_NUL_STRING is bytes, not UTF-8)', () => {
    expect(stringz('\u00fc')).toEqual(hex('fc00'));
    expect(readString(stringz('\u00fc'))).toBe('\u00fc');
  });
});

describe('decoding', () => {
  test('one datagram holding several messages, each aligned', () => {
    const datagram = hex(`
      15000000 2300 0200 05000000 78563412 01010000 aa 000000 // len 21 (payload 5), padded to 24
      14000000 0300 0200 05000000 78563412 00000000                      // NLMSG_DONE, NLM_F_MULTI, error 0
    `);
    const msgs = splitMessages(datagram, 'LE');
    expect(msgs.map(({ type, flags, seq, pid, payload }) => ({ type, flags, seq, pid, len: payload.length }))).toEqual([
      { type: 0x23, flags: 2, seq: 5, pid: 0x12345678, len: 5 },
      { type: 3, flags: 2, seq: 5, pid: 0x12345678, len: 4 },
    ]);
    expect(errnoOf(msgs[1].payload, 'LE')).toBe(0);
  });

  test('big-endian headers', () => {
    const [m] = splitMessages(hex('00000014 0002 0000 00000009 00000000 fffffffe'), 'BE');
    expect({ type: m.type, seq: m.seq, errno: errnoOf(m.payload, 'BE') }).toEqual({ type: 2, seq: 9, errno: 2 });
  });

  test('NLMSG_ERROR: 0 is an ack, -ENOENT is 2', () => {
    expect(errnoOf(hex('00000000'), 'LE')).toBe(0);
    expect(errnoOf(hex('feffffff 20000000 1000 0500 01000000 00000000'), 'LE')).toBe(2);
  });

  test('a truncated or overlong message is NetlinkFormatError, saying where', () => {
    expect(() => splitMessages(hex('14000000 0300'), 'LE')).toThrow(NetlinkFormatError);
    expect(() => splitMessages(hex('18000000 0300 0200 05000000 00000000 00000000'), 'LE')).toThrow(
      new NetlinkFormatError('netlink message length 24 at offset 0 of 20'),
    );
    expect(() => splitMessages(hex('08000000 0300 0200 05000000 00000000'), 'LE')).toThrow(
      new NetlinkFormatError('netlink message length 8 at offset 0 of 16'),
    );
    // A whole message, then 2 bytes: too few for a header.
    expect(() => splitMessages(hex('10000000 0300 0200 05000000 00000000 0000'), 'LE')).toThrow(
      new NetlinkFormatError('2 trailing bytes, less than a netlink header'),
    );
    expect(() => errnoOf(hex('0000'), 'LE')).toThrow(new NetlinkFormatError('error message payload of 2 bytes'));
    // Named as its class in the log line that reports it.
    let caught: unknown;
    try {
      errnoOf(hex('00'), 'LE');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NetlinkFormatError);
    expect((caught as Error).name).toBe('NetlinkFormatError');
    expect(splitMessages(Buffer.alloc(0), 'LE')).toEqual([]);
  });

  test('attributes: flags masked off the type, the last of a repeated type kept, a bad length refused', () => {
    const a = parseAttrs(hex('0600 0180 0100 0000  0500 0240 07 000000  0500 0200 08 000000'), 'LE');
    expect([...a.keys()]).toEqual([1, 2]);
    expect(a.get(2)).toEqual(hex('08'));
    expect(() => parseAttrs(hex('0900 0100 00000000'), 'LE')).toThrow(
      new NetlinkFormatError('attribute length 9 at offset 0 of 8'),
    );
    // An attribute of 4 bytes is a header alone: an empty payload (an empty nest), not an error.
    expect(parseAttrs(hex('0400 0300'), 'LE').get(3)).toEqual(Buffer.alloc(0));
    expect(() => parseAttrs(hex('0200 0100'), 'LE')).toThrow(NetlinkFormatError);
  });

  test('generic netlink payload', () => {
    const g = parseGenl(hex('05 01 0000 0600 0200 1f90 0000'), 'LE');
    expect({ cmd: g.cmd, version: g.version, port: readBe16(g.attrs.get(2)) }).toEqual({
      cmd: 5,
      version: 1,
      port: 8080,
    });
    expect(() => parseGenl(hex('0501'), 'LE')).toThrow(new NetlinkFormatError('generic netlink payload of 2 bytes'));
  });

  test('attribute readers: absent is undefined, too short is an error', () => {
    expect(readU16(undefined)).toBeUndefined();
    expect(readU32(undefined)).toBeUndefined();
    expect(readBe16(undefined)).toBeUndefined();
    expect(readString(undefined)).toBeUndefined();
    expect(readU16(hex('0a00'), 'LE')).toBe(10);
    expect(readU32(hex('0000000a'), 'BE')).toBe(10);
    expect(() => readU16(hex('0a'), 'LE')).toThrow(new NetlinkFormatError('a u16 attribute of 1 bytes'));
    expect(() => readU32(hex('0a0000'), 'LE')).toThrow(new NetlinkFormatError('a u32 attribute of 3 bytes'));
    expect(() => readBe16(hex('0a'))).toThrow(new NetlinkFormatError('a be16 attribute of 1 bytes'));
    expect(readBe32(undefined)).toBeUndefined();
    expect(readBe32(hex('ffffff00'))).toBe(0xffffff00);
    expect(() => readBe32(hex('ffff'))).toThrow(new NetlinkFormatError('a be32 attribute of 2 bytes'));
    expect(readString(hex('7272'))).toBe('rr');
    expect(readString(hex('7272 00 7878'))).toBe('rr');
    expect(readString(hex('00'))).toBe('');
  });

  test("the controller's answer: CTRL_ATTR_FAMILY_ID", () => {
    const answer = hex(`
      01 02 0000                   // CTRL_CMD_NEWFAMILY (1), version 2
      0900 0200 49505653 00 000000 // CTRL_ATTR_FAMILY_NAME "IPVS"
      0600 0100 2300 0000          // CTRL_ATTR_FAMILY_ID (1): 0x23, u16
      0800 0300 01000000           // CTRL_ATTR_VERSION (3): 1
    `);
    expect(familyIdOf(answer, 'LE')).toBe(0x23);
    expect(familyIdOf(hex('01020000'), 'LE')).toBeUndefined();
  });
});
