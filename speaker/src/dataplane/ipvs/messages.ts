/**
 * IPVS commands as generic netlink messages (linux/ip_vs.h), and the kernel's dump answers back into the model.
 *
 * Layout choices, from the kernel's ip_vs_ctl.c:
 * - Integers: AF, PROTOCOL, ADDR_FAMILY are NLA_U16 and FLAGS, TIMEOUT, FWD_METHOD, WEIGHT, U/L_THRESH NLA_U32,
 *   all in host order; PORT is NLA_U16 in the policy but read with nla_get_be16 (network order), NETMASK NLA_U32 read
 *   with nla_get_be32: an IPv4 mask in network order, while for IPv6 the same 32 bits are a prefix length the
 *   kernel reads with a plain cast (host order, 1..128).
 * - Addresses: the policy is NLA_BINARY with len sizeof(union nf_inet_addr), a maximum of 16 bytes, and the kernel
 *   nla_memcpy's what comes into a zeroed nf_inet_addr. So 4 bytes and 16 (zero padded) both work for IPv4. We send
 *   4 for IPv4 and 16 for IPv6, as ipvsadm (libipvs) and moby/ipvs (kube-proxy's library) do, the clients the kernel
 *   is most exercised with. The kernel always dumps 16 bytes, IPv4 in the first 4; the decoder takes either.
 * - Nests: IPVS_CMD_ATTR_SERVICE and _DEST are written without NLA_F_NESTED, as the kernel writes them in its dumps
 *   (nla_nest_start_noflag) and as moby/ipvs sends them. The family's ops are GENL_DONT_VALIDATE_STRICT, so the
 *   kernel parses them liberally (nla_parse_nested_deprecated): NLA_F_NESTED is neither required nor refused
 *   there (only strict validation checks it), and the type is read with the flag masked off.
 * - FLAGS is struct ip_vs_flags { __u32 flags; __u32 mask; }: the kernel keeps the service's bits outside the mask
 *   and takes ours inside it. Our mask is all ones: the desired state owns every flag (as ipvsadm and moby/ipvs).
 * - A new or changed service carries every field the kernel requires then (SCHED_NAME, FLAGS, TIMEOUT, NETMASK);
 *   a deletion, a destination command and a destination dump carry only the identifying ones (AF, PROTOCOL,
 *   ADDR, PORT), which is all ip_vs_genl_parse_service reads for them. A destination deletion carries ADDR, PORT
 *   and ADDR_FAMILY (kernels before 3.18 ignore the last: liberal parsing skips types above its maximum).
 */
import { BITS, type IPFamily, type ParsedIP } from '@ironlb/shared';
import type { L4Protocol } from '../types';
import type { IpvsCommand } from './diff';
import type { IpvsDest, IpvsService, IpvsServiceId } from './model';
import {
  be16,
  be32,
  encodeGenl,
  HOST_ORDER,
  NetlinkFormatError,
  parseAttrs,
  parseGenl,
  readBe16,
  readBe32,
  readString,
  readU16,
  readU32,
  stringz,
  u16,
  u32,
  type Attr,
  type ByteOrder,
} from './netlink';
import {
  AF_INET,
  AF_INET6,
  IP_VS_SVC_F_HASHED,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
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
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_ADDR_FAMILY,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IPVS_GENL_VERSION,
  IPVS_SVC_ATTR_ADDR,
  IPVS_SVC_ATTR_AF,
  IPVS_SVC_ATTR_FLAGS,
  IPVS_SVC_ATTR_FWMARK,
  IPVS_SVC_ATTR_NETMASK,
  IPVS_SVC_ATTR_PORT,
  IPVS_SVC_ATTR_PROTOCOL,
  IPVS_SVC_ATTR_SCHED_NAME,
  IPVS_SVC_ATTR_TIMEOUT,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
} from './uapi';

const AF: Readonly<Record<IPFamily, number>> = { IPv4: AF_INET, IPv6: AF_INET6 };
const PROTO: Readonly<Record<L4Protocol, number>> = { TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, SCTP: IPPROTO_SCTP };

/** Where a message goes: the IPVS family's id (resolved from the controller) and the request's sequence number. */
export interface Frame {
  readonly family: number;
  readonly seq: number;
}

/** The address's bytes in network order: 4 for IPv4, 16 for IPv6. */
export function addressBytes(ip: ParsedIP): Buffer {
  const n = BITS[ip.family] / 8;
  const out = Buffer.alloc(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function netmaskBytes(s: IpvsService, order: ByteOrder): Buffer {
  return s.addr.family === 'IPv4' ? be32(s.netmask) : u32(s.netmask, order);
}

function serviceId(s: IpvsServiceId, order: ByteOrder): Attr[] {
  return [
    { type: IPVS_SVC_ATTR_AF, payload: u16(AF[s.addr.family], order) },
    { type: IPVS_SVC_ATTR_PROTOCOL, payload: u16(PROTO[s.protocol], order) },
    { type: IPVS_SVC_ATTR_ADDR, payload: addressBytes(s.addr) },
    { type: IPVS_SVC_ATTR_PORT, payload: be16(s.port) },
  ];
}

function serviceFull(s: IpvsService, order: ByteOrder): Attr[] {
  return [
    ...serviceId(s, order),
    { type: IPVS_SVC_ATTR_SCHED_NAME, payload: stringz(s.scheduler) },
    { type: IPVS_SVC_ATTR_FLAGS, payload: Buffer.concat([u32(s.flags, order), u32(0xffffffff, order)]) },
    { type: IPVS_SVC_ATTR_TIMEOUT, payload: u32(s.timeoutSec, order) },
    { type: IPVS_SVC_ATTR_NETMASK, payload: netmaskBytes(s, order) },
  ];
}

function destId(d: IpvsDest): Attr[] {
  return [
    { type: IPVS_DEST_ATTR_ADDR, payload: addressBytes(d.addr) },
    { type: IPVS_DEST_ATTR_PORT, payload: be16(d.port) },
  ];
}

function destFull(d: IpvsDest, order: ByteOrder): Attr[] {
  return [
    ...destId(d),
    { type: IPVS_DEST_ATTR_FWD_METHOD, payload: u32(d.fwdMethod, order) },
    { type: IPVS_DEST_ATTR_WEIGHT, payload: u32(d.weight, order) },
    { type: IPVS_DEST_ATTR_U_THRESH, payload: u32(d.upperThreshold, order) },
    { type: IPVS_DEST_ATTR_L_THRESH, payload: u32(d.lowerThreshold, order) },
    { type: IPVS_DEST_ATTR_ADDR_FAMILY, payload: u16(AF[d.addr.family], order) },
  ];
}

function commandParts(cmd: IpvsCommand, order: ByteOrder): { cmd: number; attrs: Attr[] } {
  const svc = (attrs: Attr[]): Attr => ({ type: IPVS_CMD_ATTR_SERVICE, nested: attrs });
  const dst = (attrs: Attr[]): Attr => ({ type: IPVS_CMD_ATTR_DEST, nested: attrs });
  switch (cmd.op) {
    case 'newService':
      return { cmd: IPVS_CMD_NEW_SERVICE, attrs: [svc(serviceFull(cmd.service, order))] };
    case 'setService':
      return { cmd: IPVS_CMD_SET_SERVICE, attrs: [svc(serviceFull(cmd.service, order))] };
    case 'delService':
      return { cmd: IPVS_CMD_DEL_SERVICE, attrs: [svc(serviceId(cmd.service, order))] };
    case 'newDest':
      return { cmd: IPVS_CMD_NEW_DEST, attrs: [svc(serviceId(cmd.service, order)), dst(destFull(cmd.dest, order))] };
    case 'setDest':
      return { cmd: IPVS_CMD_SET_DEST, attrs: [svc(serviceId(cmd.service, order)), dst(destFull(cmd.dest, order))] };
    case 'delDest':
      return {
        cmd: IPVS_CMD_DEL_DEST,
        attrs: [
          svc(serviceId(cmd.service, order)),
          dst([
            ...destId(cmd.dest),
            { type: IPVS_DEST_ATTR_ADDR_FAMILY, payload: u16(AF[cmd.dest.addr.family], order) },
          ]),
        ],
      };
    case 'flush':
      return { cmd: IPVS_CMD_FLUSH, attrs: [] };
  }
}

/** One command as a request the kernel acknowledges (NLM_F_REQUEST | NLM_F_ACK). */
export function encodeIpvsCommand(cmd: IpvsCommand, frame: Frame, order: ByteOrder = HOST_ORDER): Buffer {
  const { cmd: c, attrs } = commandParts(cmd, order);
  return encodeGenl(
    {
      family: frame.family,
      flags: NLM_F_REQUEST | NLM_F_ACK,
      seq: frame.seq,
      cmd: c,
      version: IPVS_GENL_VERSION,
      attrs,
    },
    order,
  );
}

/** IPVS_CMD_GET_SERVICE as a dump: every service of the socket's network namespace. */
export function encodeGetServices(frame: Frame, order: ByteOrder = HOST_ORDER): Buffer {
  return encodeGenl(
    {
      family: frame.family,
      flags: NLM_F_REQUEST | NLM_F_DUMP,
      seq: frame.seq,
      cmd: IPVS_CMD_GET_SERVICE,
      version: IPVS_GENL_VERSION,
      attrs: [],
    },
    order,
  );
}

/** IPVS_CMD_GET_DEST as a dump: one service's destinations (the kernel finds the service by its identity). */
export function encodeGetDests(service: IpvsServiceId, frame: Frame, order: ByteOrder = HOST_ORDER): Buffer {
  return encodeGenl(
    {
      family: frame.family,
      flags: NLM_F_REQUEST | NLM_F_DUMP,
      seq: frame.seq,
      cmd: IPVS_CMD_GET_DEST,
      version: IPVS_GENL_VERSION,
      attrs: [{ type: IPVS_CMD_ATTR_SERVICE, nested: serviceId(service, order) }],
    },
    order,
  );
}

/** A dumped service we can manage, or one we leave alone and say why. */
export type DumpedService =
  { readonly kind: 'service'; readonly service: IpvsService } | { readonly kind: 'foreign'; readonly why: string };

function familyOf(af: number | undefined): IPFamily | undefined {
  return af === AF_INET ? 'IPv4' : af === AF_INET6 ? 'IPv6' : undefined;
}

function protocolOf(p: number): L4Protocol | undefined {
  return p === IPPROTO_TCP ? 'TCP' : p === IPPROTO_UDP ? 'UDP' : p === IPPROTO_SCTP ? 'SCTP' : undefined;
}

/** nf_inet_addr bytes (4 or 16; IPv4 in the first 4 of 16) as an address of the family. */
export function addressFrom(bytes: Buffer, family: IPFamily): ParsedIP {
  const n = BITS[family] / 8;
  if (bytes.length < n) throw new NetlinkFormatError(`an ${family} address in ${bytes.length} bytes`);
  let value = 0n;
  for (let i = 0; i < n; i++) value = (value << 8n) | BigInt(bytes[i]);
  return { family, value };
}

function need<T>(name: string, v: T | undefined): T {
  if (v === undefined) throw new NetlinkFormatError(`the kernel's answer lacks ${name}`);
  return v;
}

/** The nested attributes of a dump message (an IPVS_CMD_NEW_SERVICE or _NEW_DEST carrying one nest). */
function nestOf(payload: Buffer, cmd: number, nest: number, order: ByteOrder): Map<number, Buffer> {
  const g = parseGenl(payload, order);
  if (g.cmd !== cmd) throw new NetlinkFormatError(`IPVS answer with command ${g.cmd}, expected ${cmd}`);
  const inner = g.attrs.get(nest);
  if (!inner) throw new NetlinkFormatError(`IPVS answer without attribute ${nest}`);
  return parseAttrs(inner, order);
}

/** A service nest's identifying attributes (what ip_vs_genl_parse_service reads for every command). */
export function serviceIdFrom(
  a: ReadonlyMap<number, Buffer>,
  order: ByteOrder = HOST_ORDER,
): { readonly kind: 'id'; readonly id: IpvsServiceId } | { readonly kind: 'foreign'; readonly why: string } {
  const af = readU16(a.get(IPVS_SVC_ATTR_AF), order);
  const family = familyOf(af);
  if (!family) return { kind: 'foreign', why: `address family ${af ?? 'missing'}` };
  const fwmark = readU32(a.get(IPVS_SVC_ATTR_FWMARK), order);
  if (fwmark !== undefined && fwmark !== 0) return { kind: 'foreign', why: `firewall mark ${fwmark}` };
  const protocolNumber = need('IPVS_SVC_ATTR_PROTOCOL', readU16(a.get(IPVS_SVC_ATTR_PROTOCOL), order));
  const protocol = protocolOf(protocolNumber);
  if (!protocol) return { kind: 'foreign', why: `protocol ${protocolNumber}` };
  return {
    kind: 'id',
    id: {
      addr: addressFrom(need('IPVS_SVC_ATTR_ADDR', a.get(IPVS_SVC_ATTR_ADDR)), family),
      protocol,
      port: need('IPVS_SVC_ATTR_PORT', readBe16(a.get(IPVS_SVC_ATTR_PORT))),
    },
  };
}

/** A whole service nest: its identity and settings (a dump answer, or a new or changed service). */
export function serviceFrom(a: ReadonlyMap<number, Buffer>, order: ByteOrder = HOST_ORDER): DumpedService {
  const id = serviceIdFrom(a, order);
  if (id.kind === 'foreign') return id;
  const flags = need('IPVS_SVC_ATTR_FLAGS', readU32(a.get(IPVS_SVC_ATTR_FLAGS), order));
  const netmask = need('IPVS_SVC_ATTR_NETMASK', a.get(IPVS_SVC_ATTR_NETMASK));
  return {
    kind: 'service',
    service: {
      ...id.id,
      scheduler: need('IPVS_SVC_ATTR_SCHED_NAME', readString(a.get(IPVS_SVC_ATTR_SCHED_NAME))),
      flags: flags & ~IP_VS_SVC_F_HASHED,
      timeoutSec: need('IPVS_SVC_ATTR_TIMEOUT', readU32(a.get(IPVS_SVC_ATTR_TIMEOUT), order)),
      netmask:
        id.id.addr.family === 'IPv4' ? need('a __be32', readBe32(netmask)) : need('a u32', readU32(netmask, order)),
    },
  };
}

/**
 * A destination nest's identifying attributes. `serviceFamily` is the family when the nest does not say (before
 * 3.18 there is no IPVS_DEST_ATTR_ADDR_FAMILY; a destination then has its service's family).
 */
export function destIdFrom(
  a: ReadonlyMap<number, Buffer>,
  serviceFamily: IPFamily,
  order: ByteOrder = HOST_ORDER,
): { readonly addr: ParsedIP; readonly port: number } {
  const af = readU16(a.get(IPVS_DEST_ATTR_ADDR_FAMILY), order);
  const family = af === undefined ? serviceFamily : familyOf(af);
  if (!family) throw new NetlinkFormatError(`a destination of address family ${af}`);
  return {
    addr: addressFrom(need('IPVS_DEST_ATTR_ADDR', a.get(IPVS_DEST_ATTR_ADDR)), family),
    port: need('IPVS_DEST_ATTR_PORT', readBe16(a.get(IPVS_DEST_ATTR_PORT))),
  };
}

/** A whole destination nest. */
export function destFrom(
  a: ReadonlyMap<number, Buffer>,
  serviceFamily: IPFamily,
  order: ByteOrder = HOST_ORDER,
): IpvsDest {
  const num = (name: string, type: number): number => need(name, readU32(a.get(type), order));
  return {
    ...destIdFrom(a, serviceFamily, order),
    fwdMethod: num('IPVS_DEST_ATTR_FWD_METHOD', IPVS_DEST_ATTR_FWD_METHOD),
    weight: num('IPVS_DEST_ATTR_WEIGHT', IPVS_DEST_ATTR_WEIGHT),
    upperThreshold: num('IPVS_DEST_ATTR_U_THRESH', IPVS_DEST_ATTR_U_THRESH),
    lowerThreshold: num('IPVS_DEST_ATTR_L_THRESH', IPVS_DEST_ATTR_L_THRESH),
  };
}

/** One message of an IPVS_CMD_GET_SERVICE dump (the generic netlink payload, after the nlmsghdr). */
export function decodeService(payload: Buffer, order: ByteOrder = HOST_ORDER): DumpedService {
  return serviceFrom(nestOf(payload, IPVS_CMD_NEW_SERVICE, IPVS_CMD_ATTR_SERVICE, order), order);
}

/** One message of an IPVS_CMD_GET_DEST dump; `serviceFamily` as for destIdFrom. */
export function decodeDest(payload: Buffer, serviceFamily: IPFamily, order: ByteOrder = HOST_ORDER): IpvsDest {
  return destFrom(nestOf(payload, IPVS_CMD_NEW_DEST, IPVS_CMD_ATTR_DEST, order), serviceFamily, order);
}
