import { GenlClient, NetlinkErrnoError, NetlinkTimeoutError, type NetlinkTransport } from './genlClient';
import { NetlinkFormatError } from './netlink';
import { hex } from './testPlans';

/** A transport the test drives by hand: what was sent, and datagrams pushed in as the kernel's. */
class Scripted implements NetlinkTransport {
  readonly sent: Buffer[] = [];
  closed = false;
  onDatagram: (d: Buffer) => void = () => undefined;
  onError: (e: Error) => void = () => undefined;
  throwOnSend: Error | undefined;
  send(d: Buffer): void {
    if (this.throwOnSend) throw this.throwOnSend;
    this.sent.push(d);
  }
  listen(onDatagram: (d: Buffer) => void, onError: (e: Error) => void): void {
    this.onDatagram = onDatagram;
    this.onError = onError;
  }
  close(): void {
    this.closed = true;
  }
}

/** A little-endian netlink message: header (pid 0x99) and payload, padded. */
function msg(type: number, flags: number, seq: number, payload: string): Buffer {
  const p = hex(payload);
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + p.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  h.writeUInt32LE(0x99, 12);
  return Buffer.concat([h, p, Buffer.alloc((4 - (p.length % 4)) % 4)]);
}

const ACK = '00000000';
const ERR = (errno: number): string => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(-errno);
  return b.toString('hex');
};

describe('GenlClient', () => {
  let t: Scripted;
  let c: GenlClient;
  beforeEach(() => {
    t = new Scripted();
    c = new GenlClient(t, { order: 'LE' });
  });
  afterEach(() => c.close());

  test('sequence numbers count from 1', () => {
    expect([c.nextSeq(), c.nextSeq(), c.nextSeq()]).toEqual([1, 2, 3]);
  });

  test('a request resolves with the replies before its acknowledgement, and sends the bytes as given', async () => {
    const p = c.request(hex('cafe'), 7, 'test');
    expect(t.sent).toEqual([hex('cafe')]);
    t.onDatagram(Buffer.concat([msg(0x23, 0, 7, '01020000'), msg(2, 0, 7, ACK)]));
    const replies = await p;
    expect(replies.map((r) => [r.type, r.payload.toString('hex')])).toEqual([[0x23, '01020000']]);
  });

  test('a dump collects multipart messages over several datagrams until NLMSG_DONE', async () => {
    const p = c.request(hex('00'), 3, 'dump');
    t.onDatagram(Buffer.concat([msg(0x23, 2, 3, '01010000'), msg(0x23, 2, 3, '01010001')]));
    t.onDatagram(msg(0x23, 2, 3, '01010002'));
    t.onDatagram(msg(3, 2, 3, ACK));
    expect((await p).map((r) => r.payload.toString('hex'))).toEqual(['01010000', '01010001', '01010002']);
  });

  test('an empty NLMSG_DONE (old kernels) ends a dump too', async () => {
    const p = c.request(hex('00'), 3, 'dump');
    t.onDatagram(msg(3, 2, 3, ''));
    expect(await p).toEqual([]);
  });

  test("the kernel's errno rejects the request, as NetlinkErrnoError with the positive errno", async () => {
    const p = c.request(hex('00'), 4, 'new service');
    t.onDatagram(msg(2, 0, 4, ERR(17)));
    await expect(p).rejects.toEqual(new NetlinkErrnoError(17, 'new service'));
    await expect(p).rejects.toThrow('new service: errno 17');
  });

  test('a failed dump (NLMSG_DONE with an errno) rejects', async () => {
    const p = c.request(hex('00'), 4, 'dump');
    t.onDatagram(msg(3, 2, 4, ERR(1)));
    await expect(p).rejects.toMatchObject({ name: 'NetlinkErrnoError', errno: 1 });
  });

  test('answers are matched by sequence number; unknown ones are ignored', async () => {
    const a = c.request(hex('0a'), 1, 'a');
    const b = c.request(hex('0b'), 2, 'b');
    t.onDatagram(Buffer.concat([msg(2, 0, 9, ERR(22)), msg(2, 0, 2, ERR(3)), msg(0x23, 0, 1, 'aa000000')]));
    t.onDatagram(msg(2, 0, 1, ACK));
    await expect(b).rejects.toMatchObject({ errno: 3 });
    expect((await a).length).toBe(1);
  });

  test('bytes that are not netlink fail every waiting request', async () => {
    const a = c.request(hex('0a'), 1, 'a');
    const b = c.request(hex('0b'), 2, 'b');
    t.onDatagram(hex('ff000000 0200'));
    await expect(a).rejects.toThrow(NetlinkFormatError);
    await expect(b).rejects.toThrow(NetlinkFormatError);
  });

  test('a short NLMSG_ERROR fails its request', async () => {
    const a = c.request(hex('0a'), 1, 'a');
    t.onDatagram(msg(2, 0, 1, '0000'));
    await expect(a).rejects.toThrow(NetlinkFormatError);
  });

  test("the socket's error fails every waiting request", async () => {
    const a = c.request(hex('0a'), 1, 'a');
    t.onError(new Error('ENOBUFS'));
    await expect(a).rejects.toThrow('ENOBUFS');
  });

  test('a send that throws rejects its request', async () => {
    t.throwOnSend = new Error('EPERM');
    await expect(c.request(hex('0a'), 1, 'a')).rejects.toThrow('EPERM');
  });

  test('closing fails what waits, closes the transport, and refuses new requests', async () => {
    const a = c.request(hex('0a'), 1, 'a');
    c.close();
    await expect(a).rejects.toThrow('closed');
    expect(t.closed).toBe(true);
    await expect(c.request(hex('0b'), 2, 'b')).rejects.toThrow('closed');
  });

  test('no answer: a timeout error, and a late answer is ignored', async () => {
    jest.useFakeTimers();
    try {
      const slow = new GenlClient(t, { order: 'LE', timeoutMs: 5000 });
      const a = slow.request(hex('0a'), 1, 'a');
      jest.advanceTimersByTime(5000);
      await expect(a).rejects.toThrow(NetlinkTimeoutError);
      await expect(a).rejects.toThrow('a: no answer from the kernel in 5000 ms');
      t.onDatagram(msg(2, 0, 1, ACK));
      slow.close();
    } finally {
      jest.useRealTimers();
    }
  });

  test('sequence numbers wrap without 0', () => {
    const internal = c as unknown as { seq: number };
    internal.seq = 0xfffffffe;
    expect([c.nextSeq(), c.nextSeq()]).toEqual([0xffffffff, 1]);
  });
});
