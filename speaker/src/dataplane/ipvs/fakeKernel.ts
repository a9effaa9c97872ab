/**
 * A stand-in for the kernel's generic netlink controller and IPVS family, for the edge's unit tests: it reads our
 * requests with the decoders, keeps a table, and answers as ip_vs_ctl.c does (acks, errnos, dumps with 16-byte
 * addresses, IP_VS_SVC_F_HASHED set, NLM_F_MULTI messages over several datagrams, then NLMSG_DONE). Little-endian.
 */
import type { NetlinkTransport } from './genlClient';
import { addressBytes, destFrom, destIdFrom, serviceFrom, serviceIdFrom } from './messages';
import { destKey, serviceKey, type IpvsDest, type IpvsService } from './model';
import { be16, be32, parseAttrs, parseGenl, readString, splitMessages, stringz, u16, u32, type Attr } from './netlink';
import {
  AF_INET,
  AF_INET6,
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  EEXIST,
  ENOENT,
  ESRCH,
  GENL_ID_CTRL,
  IP_VS_SVC_F_HASHED,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_DEL_DEST,
  IPVS_CMD_DEL_SERVICE,
  IPVS_CMD_FLUSH,
  IPVS_CMD_GET_DEST,
  IPVS_CMD_GET_SERVICE,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_DEST,
  IPVS_CMD_SET_SERVICE,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
} from './uapi';

export const FAKE_IPVS_FAMILY = 0x23;

interface Entry {
  service: IpvsService;
  dests: Map<string, IpvsDest>;
}

export interface FakeKernelOptions {
  /** Whether the kernel has the IPVS family (default true). */
  readonly ipvs?: boolean;
  /** An errno to answer a request with instead of doing it, by IPVS command number. */
  readonly refuse?: (cmd: number) => number | undefined;
  /** Services per dump datagram (default 2), so dumps span several datagrams. */
  readonly perDatagram?: number;
  /** Requests of these genl commands are never answered. */
  readonly silentOn?: readonly number[];
}

function frame(type: number, flags: number, seq: number, payload: Buffer, pid: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + payload.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  h.writeUInt32LE(pid, 12);
  const pad = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([h, payload, pad]);
}

function attrs(list: readonly Attr[]): Buffer {
  const out: Buffer[] = [];
  for (const a of list) {
    const body = 'payload' in a ? a.payload : attrs(a.nested);
    const head = Buffer.alloc(4);
    head.writeUInt16LE(4 + body.length, 0);
    head.writeUInt16LE(a.type, 2);
    out.push(head, body, Buffer.alloc((4 - (body.length % 4)) % 4));
  }
  return Buffer.concat(out);
}

const nf = (ip: IpvsService['addr']): Buffer => Buffer.concat([addressBytes(ip), Buffer.alloc(16)]).subarray(0, 16);
const af = (ip: IpvsService['addr']): number => (ip.family === 'IPv4' ? AF_INET : AF_INET6);

export class FakeKernel implements NetlinkTransport {
  readonly table = new Map<string, Entry>();
  /** Every request datagram, as sent. */
  readonly sent: Buffer[] = [];
  private onDatagram: (d: Buffer) => void = () => undefined;
  private onError: (e: Error) => void = () => undefined;
  private readonly pid = 0x4242;
  closed = false;

  constructor(private readonly options: FakeKernelOptions = {}) {}

  listen(onDatagram: (d: Buffer) => void, onError: (e: Error) => void): void {
    this.onDatagram = onDatagram;
    this.onError = onError;
  }

  close(): void {
    this.closed = true;
  }

  /** As the socket would: bytes that arrive later, on their own. */
  deliver(datagram: Buffer): void {
    setImmediate(() => this.onDatagram(datagram));
  }

  fail(err: Error): void {
    setImmediate(() => this.onError(err));
  }

  send(datagram: Buffer): void {
    this.sent.push(datagram);
    for (const m of splitMessages(datagram, 'LE')) {
      const g = parseGenl(m.payload, 'LE');
      if (this.options.silentOn?.includes(g.cmd)) continue;
      const ack = (errno: number): void =>
        this.deliver(
          frame(NLMSG_ERROR, 0, m.seq, Buffer.concat([u32(-errno, 'LE'), datagram.subarray(0, 16)]), this.pid),
        );
      if (m.type === GENL_ID_CTRL && g.cmd === CTRL_CMD_GETFAMILY) {
        const name = readString(g.attrs.get(CTRL_ATTR_FAMILY_NAME));
        if (name !== 'IPVS' || this.options.ipvs === false) {
          ack(ENOENT);
          continue;
        }
        const reply = Buffer.concat([
          Buffer.from([1, 2, 0, 0]), // CTRL_CMD_NEWFAMILY, version 2
          attrs([
            { type: CTRL_ATTR_FAMILY_NAME, payload: stringz('IPVS') },
            { type: CTRL_ATTR_FAMILY_ID, payload: u16(FAKE_IPVS_FAMILY, 'LE') },
          ]),
        ]);
        this.deliver(Buffer.concat([frame(GENL_ID_CTRL, 0, m.seq, reply, this.pid)]));
        ack(0);
        continue;
      }
      if (m.type !== FAKE_IPVS_FAMILY) {
        ack(ENOENT);
        continue;
      }
      const refused = this.options.refuse?.(g.cmd);
      if (refused !== undefined) {
        ack(refused);
        continue;
      }
      if (g.cmd === IPVS_CMD_GET_SERVICE) this.dumpServices(m.seq);
      else if (g.cmd === IPVS_CMD_GET_DEST) this.dumpDests(m.seq, g.attrs);
      else ack(this.execute(g.cmd, g.attrs));
    }
  }

  private execute(cmd: number, a: Map<number, Buffer>): number {
    if (cmd === IPVS_CMD_FLUSH) {
      this.table.clear();
      return 0;
    }
    const svcAttrs = parseAttrs(a.get(IPVS_CMD_ATTR_SERVICE) ?? Buffer.alloc(0), 'LE');
    const id = serviceIdFrom(svcAttrs, 'LE');
    if (id.kind !== 'id') return 22;
    const key = serviceKey(id.id);
    const entry = this.table.get(key);
    if (cmd === IPVS_CMD_NEW_SERVICE || cmd === IPVS_CMD_SET_SERVICE) {
      const full = serviceFrom(svcAttrs, 'LE');
      if (full.kind !== 'service') return 22;
      if (cmd === IPVS_CMD_NEW_SERVICE) {
        if (entry) return EEXIST;
        this.table.set(key, { service: full.service, dests: new Map() });
      } else {
        if (!entry) return ESRCH;
        entry.service = full.service;
      }
      return 0;
    }
    if (!entry) return ESRCH;
    if (cmd === IPVS_CMD_DEL_SERVICE) {
      this.table.delete(key);
      return 0;
    }
    const destAttrs = parseAttrs(a.get(IPVS_CMD_ATTR_DEST) ?? Buffer.alloc(0), 'LE');
    const dk = destKey(destIdFrom(destAttrs, id.id.addr.family, 'LE'));
    const exists = entry.dests.has(dk);
    if (cmd === IPVS_CMD_NEW_DEST) {
      if (exists) return EEXIST;
      entry.dests.set(dk, destFrom(destAttrs, id.id.addr.family, 'LE'));
    } else if (cmd === IPVS_CMD_SET_DEST) {
      if (!exists) return ENOENT;
      entry.dests.set(dk, destFrom(destAttrs, id.id.addr.family, 'LE'));
    } else if (cmd === IPVS_CMD_DEL_DEST) {
      if (!exists) return ENOENT;
      entry.dests.delete(dk);
    } else return 22;
    return 0;
  }

  private dumpInParts(seq: number, payloads: Buffer[]): void {
    const per = this.options.perDatagram ?? 2;
    for (let i = 0; i < payloads.length; i += per)
      this.deliver(
        Buffer.concat(payloads.slice(i, i + per).map((p) => frame(FAKE_IPVS_FAMILY, NLM_F_MULTI, seq, p, this.pid))),
      );
    this.deliver(frame(NLMSG_DONE, NLM_F_MULTI, seq, u32(0, 'LE'), this.pid));
  }

  private dumpServices(seq: number): void {
    const payloads = [...this.table.values()].map(({ service: s }) =>
      Buffer.concat([
        Buffer.from([IPVS_CMD_NEW_SERVICE, 1, 0, 0]),
        attrs([
          {
            type: IPVS_CMD_ATTR_SERVICE,
            nested: [
              { type: 1, payload: u16(af(s.addr), 'LE') },
              { type: 2, payload: u16(s.protocol === 'TCP' ? 6 : s.protocol === 'UDP' ? 17 : 132, 'LE') },
              { type: 3, payload: nf(s.addr) },
              { type: 4, payload: be16(s.port) },
              { type: 6, payload: stringz(s.scheduler) },
              { type: 7, payload: Buffer.concat([u32(s.flags | IP_VS_SVC_F_HASHED, 'LE'), u32(0xffffffff, 'LE')]) },
              { type: 8, payload: u32(s.timeoutSec, 'LE') },
              { type: 9, payload: s.addr.family === 'IPv4' ? be32(s.netmask) : u32(s.netmask, 'LE') },
              { type: 10, nested: [{ type: 1, payload: u32(0, 'LE') }] },
            ],
          },
        ]),
      ]),
    );
    this.dumpInParts(seq, payloads);
  }

  private dumpDests(seq: number, a: Map<number, Buffer>): void {
    const id = serviceIdFrom(parseAttrs(a.get(IPVS_CMD_ATTR_SERVICE) ?? Buffer.alloc(0), 'LE'), 'LE');
    const entry = id.kind === 'id' ? this.table.get(serviceKey(id.id)) : undefined;
    // ip_vs_genl_dump_dests: no such service is an empty dump, not an error.
    const payloads = [...(entry?.dests.values() ?? [])].map((d) =>
      Buffer.concat([
        Buffer.from([IPVS_CMD_NEW_DEST, 1, 0, 0]),
        attrs([
          {
            type: IPVS_CMD_ATTR_DEST,
            nested: [
              { type: 1, payload: nf(d.addr) },
              { type: 2, payload: be16(d.port) },
              { type: 3, payload: u32(d.fwdMethod, 'LE') },
              { type: 4, payload: u32(d.weight, 'LE') },
              { type: 5, payload: u32(d.upperThreshold, 'LE') },
              { type: 6, payload: u32(d.lowerThreshold, 'LE') },
              { type: 7, payload: u32(3, 'LE') },
              { type: 11, payload: u16(af(d.addr), 'LE') },
            ],
          },
        ]),
      ]),
    );
    this.dumpInParts(seq, payloads);
  }
}
