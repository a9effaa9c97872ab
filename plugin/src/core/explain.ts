/**
 * Why a Service has or lacks its IP, from API objects alone: the facts (plain objects as read) in, one
 * Explanation value out, which the renderers print as text, JSON or YAML. Pure: the clock is `now`.
 *
 * What the controller decided is read the way the controller reads a Service (its own serviceRequestOf) and from
 * the Events it wrote; who announces it, from the status objects the speakers write (ServiceL2Status,
 * ServiceBGPStatus) and the speakers' node Leases.
 */
import { ALLOCATION_CONDITION, REFUSAL_CODES, serviceRequestOf, formatIP } from '@ironlb/controller';
import type { ReasonCode } from '@ironlb/controller';
import { eventsAbout, type ServiceEventFact } from './events';
import { poolHolding, poolUsage, type PoolUsage } from './pools';
import { reasonCodeOf as reasonCodeOfNote } from './reasonCode';
import { leaseAlive } from './speakers';
import {
  createdOf,
  ingressOf,
  list,
  metaOf,
  nameOf,
  namespaceOf,
  rec,
  str,
  strings,
  timeOf,
  type RawObject,
} from './raw';

export const CONTROLLER = 'ironlb-controller';
/** The speaker's node Lease is `ironlb-speaker-<node>` (speaker/src/daemon/speakerApi.ts). */
export const SPEAKER_LEASE_PREFIX = 'ironlb-speaker-';
/** The spellings the controller reads, ours first (controller/src/service/annotations.ts). */
const PREFIXES = ['ironlb.io/', 'metallb.io/', 'metallb.universe.tf/'] as const;

export interface ExplainFacts {
  readonly service: RawObject;
  /** The Service's Namespace labels (pools may admit namespaces by selector). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The spec.loadBalancerClass the controller serves (its --lb-class). */
  readonly lbClass: string;
  /** IPAddressPools in the ironlb namespace. */
  readonly pools: readonly RawObject[];
  /** Every LoadBalancer Service in the cluster: those holding the same IPs. */
  readonly services: readonly RawObject[];
  /** Events in the Service's namespace. */
  readonly events: readonly RawObject[];
  readonly l2Statuses: readonly RawObject[];
  readonly bgpStatuses: readonly RawObject[];
  /** Leases in the ironlb namespace. */
  readonly leases: readonly RawObject[];
  readonly now: number;
}

/** A value with the annotation (or field) it was read from. */
export interface Sourced {
  readonly value: string;
  readonly from: string;
}

export type Verdict =
  /** Not ironlb's: not a LoadBalancer, or another class. */
  | 'ignored'
  /** A field the controller cannot read (InvalidService). */
  | 'invalid'
  | 'assigned'
  /** The controller refused it (AllocationFailed). */
  | 'refused'
  /** No IP and no decision recorded: the controller has not seen it (not running, or not yet). */
  | 'pending';

export interface EventNote {
  readonly reason: string;
  /** The allocator's reason code, read back from the words; absent when they are not ours. */
  readonly code?: ReasonCode;
  readonly message: string;
  /** RFC 3339. */
  readonly at?: string;
  readonly count: number;
}

export interface AddressFact {
  readonly ip: string;
  readonly family: 'IPv4' | 'IPv6';
  /** The pool whose ranges hold it; absent when none does (any more). */
  readonly pool?: PoolUsage;
  /** Other Services showing the same IP (`namespace/name`, sorted) with their sharing keys. */
  readonly sharedWith: readonly { readonly service: string; readonly sharingKey?: string }[];
}

export interface Announcement {
  readonly mode: 'layer2' | 'bgp';
  readonly node: string;
  /** When the status object was written first: the node has announced the Service since (RFC 3339). */
  readonly since?: string;
  /** The families of the Service's IPs: a status object names the node, not which IP, and a group of IPs
   * (the families of a Service, IPs shared) is announced from one node. */
  readonly families: readonly string[];
  /** layer 2: the interfaces the IPs are answered on. */
  readonly interfaces?: readonly string[];
  /** BGP: the BGPPeers whose established session carries the routes. */
  readonly peers?: readonly string[];
  /** Whether the node's speaker Lease is current. */
  readonly speakerAlive: boolean;
}

export interface Explanation {
  readonly service: {
    readonly namespace: string;
    readonly name: string;
    readonly type: string;
    readonly loadBalancerClass?: string;
    readonly ipFamilies: readonly string[];
    readonly ips: readonly string[];
  };
  readonly verdict: Verdict;
  /** For `ignored`: why the controller leaves it alone. */
  readonly ignoredBecause?: string;
  /** For `invalid`: the field and what is wrong with it. */
  readonly invalid?: { readonly field: string; readonly message: string };
  readonly requestedIPs?: { readonly values: readonly string[]; readonly from: string };
  readonly requestedPool?: Sourced;
  readonly sharingKey?: Sourced;
  readonly addresses: readonly AddressFact[];
  /** The controller's last refusal (AllocationFailed, InvalidService) while the Service has no IP. */
  readonly refusal?: EventNote;
  /** AllocationWarning Events since the last assignment. */
  readonly warnings: readonly EventNote[];
  readonly announcements: readonly Announcement[];
  /** L2Conflict Events: another host answering for the IP. */
  readonly conflicts: readonly EventNote[];
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function note(e: ServiceEventFact, code?: ReasonCode): EventNote {
  const at = iso(e.at);
  return {
    reason: e.reason,
    ...(code === undefined ? {} : { code }),
    message: e.message,
    ...(at === undefined ? {} : { at }),
    count: e.count,
  };
}

/** The annotation the controller took a value from: the first spelling present, as it reads them. */
function annotationKey(svc: RawObject, name: string): string | undefined {
  const annotations = rec(metaOf(svc).annotations);
  return PREFIXES.map((p) => p + name).find((k) => Object.hasOwn(annotations, k));
}

const keyOf = (svc: RawObject): string => `${namespaceOf(svc) || 'default'}/${nameOf(svc)}`;

function sharingKeyOf(svc: RawObject): string | undefined {
  const key = annotationKey(svc, 'allow-shared-ip');
  const value = key === undefined ? undefined : rec(metaOf(svc).annotations)[key];
  return typeof value === 'string' ? str(value.trim()) : undefined;
}

const interfaceNames = (v: unknown): string[] =>
  list(v)
    .map((i) => str(rec(i).name))
    .filter((n): n is string => n !== undefined);

function announcements(facts: ExplainFacts, key: string, families: readonly string[]): Announcement[] {
  const [ns, name] = key.split('/');
  const mine = (o: RawObject): boolean => {
    const s = rec(o.status);
    return s.serviceNamespace === ns && s.serviceName === name;
  };
  const one = (mode: Announcement['mode'], o: RawObject): Announcement => {
    const s = rec(o.status);
    const node = str(s.node) ?? '';
    const since = iso(createdOf(o));
    return {
      mode,
      node,
      ...(since === undefined ? {} : { since }),
      families,
      ...(mode === 'layer2' ? { interfaces: interfaceNames(s.interfaces) } : { peers: strings(s.peers) }),
      speakerAlive: leaseAlive(facts.leases, SPEAKER_LEASE_PREFIX + node, facts.now),
    };
  };
  return [
    ...facts.l2Statuses.filter(mine).map((o) => one('layer2', o)),
    ...facts.bgpStatuses.filter(mine).map((o) => one('bgp', o)),
  ].sort((a, b) => a.mode.localeCompare(b.mode) || a.node.localeCompare(b.node));
}

const VERDICT_REASONS = new Set(['IPAllocated', 'AllocationFailed', 'InvalidService']);

/** The Service's ironlb.io/IPAllocated condition, as the controller writes it (condition.ts). */
function allocationConditionOf(
  svc: unknown,
): { status: string; reason: string; message: string; since?: string } | undefined {
  const found = list(rec(rec(svc).status).conditions)
    .map(rec)
    .find((c) => c.type === ALLOCATION_CONDITION);
  if (found === undefined) return undefined;
  // client-node hands the time over as a Date; a plain read of the JSON as a string.
  const since = iso(timeOf(found.lastTransitionTime));
  return {
    status: str(found.status) ?? '',
    reason: str(found.reason) ?? '',
    message: str(found.message) ?? '',
    ...(since === undefined ? {} : { since }),
  };
}

export function explain(facts: ExplainFacts): Explanation {
  const svc = facts.service;
  const spec = rec(svc.spec);
  const key = keyOf(svc);
  const ips = ingressOf(svc);
  const cls = str(spec.loadBalancerClass);
  const events = eventsAbout(facts.events, svc);
  const fromController = events.filter((e) => e.component === CONTROLLER);
  const lastVerdict = [...fromController].reverse().find((e) => VERDICT_REASONS.has(e.reason));
  const lastAssigned = fromController.map((e) => e.reason).lastIndexOf('IPAllocated');
  const warnings = fromController
    .slice(lastAssigned + 1)
    .filter((e) => e.reason === 'AllocationWarning')
    .map((e) => note(e, reasonCodeOfNote(e.message)));
  const families = [...new Set(ips.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4')))];
  const base = {
    service: {
      namespace: key.split('/')[0],
      name: nameOf(svc),
      type: str(spec.type) ?? 'ClusterIP',
      ...(cls === undefined ? {} : { loadBalancerClass: cls }),
      ipFamilies: strings(spec.ipFamilies),
      ips,
    },
    addresses: ips.map((ip) => addressFact(facts, key, ip)),
    warnings,
    announcements: announcements(facts, key, families),
    conflicts: events.filter((e) => e.reason === 'L2Conflict').map((e) => note(e)),
  };
  const read = serviceRequestOf(svc, { ...facts.namespaceLabels }, { lbClass: facts.lbClass });
  if (read.kind === 'ignore') return { ...base, verdict: 'ignored', ignoredBecause: read.why };
  if (read.kind === 'invalid') {
    return { ...base, verdict: 'invalid', invalid: { field: read.field, message: read.message } };
  }
  const r = read.request;
  const ipsKey = annotationKey(svc, 'loadBalancerIPs');
  const poolKey = annotationKey(svc, 'address-pool');
  const shareKey = annotationKey(svc, 'allow-shared-ip');
  const asked = {
    ...(r.requestedIPs.length === 0
      ? {}
      : {
          requestedIPs: {
            values: r.requestedIPs.map(formatIP),
            from: ipsKey === undefined ? 'spec.loadBalancerIP' : `annotation ${ipsKey}`,
          },
        }),
    ...(r.requestedPool === undefined || poolKey === undefined
      ? {}
      : { requestedPool: { value: r.requestedPool, from: `annotation ${poolKey}` } }),
    ...(r.sharingKey === undefined || shareKey === undefined
      ? {}
      : { sharingKey: { value: r.sharingKey, from: `annotation ${shareKey}` } }),
  };
  if (ips.length > 0) return { ...base, ...asked, verdict: 'assigned' };
  // The condition the controller keeps while the refusal holds: its reason is the code itself, and it outlives the
  // Event (which ages out after an hour). Only a controller before it leaves the Event words alone to read.
  const condition = allocationConditionOf(svc);
  if (condition?.status === 'False') {
    const event = lastVerdict && lastVerdict.reason !== 'IPAllocated' ? lastVerdict : undefined;
    const code = REFUSAL_CODES.find((c) => c === condition.reason);
    const refusal: EventNote = {
      reason: condition.reason === 'InvalidService' ? 'InvalidService' : 'AllocationFailed',
      ...(code === undefined ? {} : { code }),
      message: condition.message,
      ...(condition.since === undefined ? {} : { at: condition.since }),
      count: event?.message === condition.message ? event.count : 1,
    };
    return { ...base, ...asked, verdict: 'refused', refusal };
  }
  if (lastVerdict && lastVerdict.reason !== 'IPAllocated') {
    const code = lastVerdict.reason === 'AllocationFailed' ? reasonCodeOfNote(lastVerdict.message) : undefined;
    return { ...base, ...asked, verdict: 'refused', refusal: note(lastVerdict, code) };
  }
  return { ...base, ...asked, verdict: 'pending' };
}

function addressFact(facts: ExplainFacts, key: string, ip: string): AddressFact {
  const poolName = poolHolding(facts.pools, ip);
  const pool = facts.pools.find((p) => nameOf(p) === poolName);
  const sharedWith = facts.services
    .filter((s) => keyOf(s) !== key && ingressOf(s).includes(ip))
    .map((s) => {
      const k = sharingKeyOf(s);
      return { service: keyOf(s), ...(k === undefined ? {} : { sharingKey: k }) };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
  return {
    ip,
    family: ip.includes(':') ? 'IPv6' : 'IPv4',
    ...(pool === undefined ? {} : { pool: poolUsage(pool) }),
    sharedWith,
  };
}
