/**
 * The IPVS backend's model: virtual services and their destinations as the kernel keeps them, and the desired state
 * a DataplanePlan renders to. The same types hold what we want and what the kernel's dump says, so one diff
 * (diff.ts) serves both an ordinary change and a resync.
 *
 * The mapping follows kube-proxy's IPVS mode: one virtual service per VIP:protocol:port, scheduler rr, ClientIP
 * affinity as a persistent service whose timeout is the affinity, every endpoint a masquerading (NAT) destination
 * of weight 1.
 */
import { formatIP, type ParsedIP } from '@ironlb/shared';
import type { DataplanePlan, L4Protocol } from '../types';
import { IP_VS_CONN_F_MASQ, IP_VS_SVC_F_PERSISTENT } from './uapi';

export const IPVS_SCHEDULER = 'rr';
/**
 * Persistence per client address. The kernel reads the netmask by family: for IPv4 a mask (all ones: the whole
 * address), for IPv6 a prefix length it requires to be 1..128 (ip_vs_add_service answers EINVAL to all-ones).
 */
export const IPV4_PERSISTENCE_MASK = 0xffffffff;
export const IPV6_PERSISTENCE_PREFIX = 128;

export interface IpvsServiceId {
  readonly addr: ParsedIP;
  readonly protocol: L4Protocol;
  readonly port: number;
}

/** A virtual service: its identity (family, protocol, address, port) and its settings. */
export interface IpvsService extends IpvsServiceId {
  readonly scheduler: string;
  /** IP_VS_SVC_F_* bits, without IP_VS_SVC_F_HASHED (the kernel's own bookkeeping). */
  readonly flags: number;
  /** Persistence timeout in seconds; 0 when not persistent. */
  readonly timeoutSec: number;
  /** IPv4: a mask as an unsigned 32-bit number; IPv6: a prefix length (see IPV4_PERSISTENCE_MASK). */
  readonly netmask: number;
}

/** A real server of a virtual service. */
export interface IpvsDest {
  readonly addr: ParsedIP;
  readonly port: number;
  /** IP_VS_CONN_F_FWD_MASK bits: IP_VS_CONN_F_MASQ (0) is masquerading, the only method that rewrites ports. */
  readonly fwdMethod: number;
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
}

export interface IpvsVirtual {
  readonly service: IpvsService;
  /** By destKey. */
  readonly dests: ReadonlyMap<string, IpvsDest>;
}

/** By serviceKey. */
export type IpvsState = ReadonlyMap<string, IpvsVirtual>;

/** `<ip> <protocol> <port>`, the layout of Forward.key. */
export function serviceKey(s: IpvsServiceId): string {
  return `${formatIP(s.addr)} ${s.protocol} ${s.port}`;
}

/** `<ip> <port>` */
export function destKey(d: { readonly addr: ParsedIP; readonly port: number }): string {
  return `${formatIP(d.addr)} ${d.port}`;
}

/** Whether two services' settings differ, so that the kernel's copy needs IPVS_CMD_SET_SERVICE. */
export function serviceSettingsDiffer(a: IpvsService, b: IpvsService): boolean {
  return a.scheduler !== b.scheduler || a.flags !== b.flags || a.timeoutSec !== b.timeoutSec || a.netmask !== b.netmask;
}

/** Whether two destinations' settings differ, so that the kernel's copy needs IPVS_CMD_SET_DEST. */
export function destSettingsDiffer(a: IpvsDest, b: IpvsDest): boolean {
  return (
    a.fwdMethod !== b.fwdMethod ||
    a.weight !== b.weight ||
    a.upperThreshold !== b.upperThreshold ||
    a.lowerThreshold !== b.lowerThreshold
  );
}

/**
 * The virtual services a plan asks for. A Forward without backends still gets its service: with no destination the
 * kernel drops new connections and answers ICMP port unreachable (ip_vs_leave), rather than letting them reach
 * whatever listens on the node. A backend of the other family than its VIP is left out: the kernel refuses
 * masquerading across families (EINVAL); the planner does not produce one.
 */
export function desiredState(plan: DataplanePlan): IpvsState {
  const out = new Map<string, IpvsVirtual>();
  for (const f of plan.forwards.values()) {
    const persistent = f.affinitySec !== undefined && f.affinitySec > 0;
    const service: IpvsService = {
      addr: f.ip,
      protocol: f.protocol,
      port: f.port,
      scheduler: IPVS_SCHEDULER,
      flags: persistent ? IP_VS_SVC_F_PERSISTENT : 0,
      timeoutSec: persistent ? (f.affinitySec ?? 0) : 0,
      netmask: f.ip.family === 'IPv4' ? IPV4_PERSISTENCE_MASK : IPV6_PERSISTENCE_PREFIX,
    };
    const dests = new Map<string, IpvsDest>();
    for (const b of f.backends) {
      if (b.ip.family !== f.ip.family) continue;
      const dest: IpvsDest = {
        addr: b.ip,
        port: b.port,
        fwdMethod: IP_VS_CONN_F_MASQ,
        weight: 1,
        upperThreshold: 0,
        lowerThreshold: 0,
      };
      dests.set(destKey(dest), dest);
    }
    out.set(serviceKey(service), { service, dests });
  }
  return out;
}

/**
 * The part of the kernel's table that is ours: the services on the given addresses (the VIPs this backend put on
 * its dummy link or planned before). IPVS has no owner mark, so a service of another tool on another address is
 * never touched.
 */
export function ownedState(kernel: IpvsState, addresses: ReadonlySet<string>): IpvsState {
  return new Map([...kernel].filter(([, v]) => addresses.has(formatIP(v.service.addr))));
}
