/**
 * A DataplanePlan as iptables-restore input, for one address family, in kube-proxy's iptables-mode shape:
 *
 *   nat    PREROUTING, OUTPUT -> IRONLB-PREROUTING, IRONLB-OUTPUT -> IRONLB-SERVICES: per Forward with backends,
 *          VIP/proto/port -> IRONLB-FW-<h> (source ranges) -> IRONLB-SVC-<h>: affinity lookups, then the random
 *          spread 1/n, 1/(n-1), ..., last unconditional -> IRONLB-SEP-<h>: masquerade mark, DNAT.
 *          POSTROUTING -> IRONLB-POSTROUTING: packets with our mark are masqueraded, the mark cleared.
 *   filter INPUT, FORWARD, OUTPUT (new connections) -> IRONLB-FILTER: a Forward without backends is rejected (TCP
 *          reset, ICMP port unreachable); a Forward with source ranges drops what its firewall chain did not DNAT
 *          (the nat table may not drop, so the verdict waits for filter, where the destination is still the VIP).
 *
 * For `iptables-restore --noflush`: only the chains declared here are flushed, so nothing but ours is touched.
 * Every chain of ours is rewritten whole on every sync. A chain of `previous` that is gone is declared too (which
 * flushes it) and deleted with -X at the end of its table, once no rule of ours jumps to it any more: iptables
 * refuses to delete a chain still referenced, and inside one restore the flushes come first.
 */
import { formatIP, type IPFamily } from '@ironlb/shared';
import type { Backend, DataplanePlan, Forward, L4Protocol, SourcePrefix } from '../types';
import {
  endpointChain,
  FILTER_CHAIN,
  firewallChain,
  FIXED_CHAINS,
  MASQ_MARK,
  OUTPUT_CHAIN,
  POSTROUTING_CHAIN,
  PREROUTING_CHAIN,
  serviceChain,
  SERVICES_CHAIN,
  type IptablesTable,
} from './names';
import type { RenderedChains } from './save';

export interface RenderedIptables {
  /** iptables-restore input: `*nat` ... COMMIT, `*filter` ... COMMIT. */
  readonly text: string;
  /** The chains of ours that exist once this text is restored (the `previous` of the next render). */
  readonly chains: RenderedChains;
}

const PROTO: Readonly<Record<L4Protocol, string>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

const hostBits = (family: IPFamily): number => (family === 'IPv4' ? 32 : 128);

const prefixText = (p: SourcePrefix): string => `${formatIP(p.ip)}/${p.length}`;

/** `ip:port`, the IPv6 address bracketed, as DNAT --to-destination takes it (and as the SEP hash is keyed). */
export const endpointText = (b: Backend): string =>
  b.ip.family === 'IPv6' ? `[${formatIP(b.ip)}]:${b.port}` : `${formatIP(b.ip)}:${b.port}`;

/** 1/n with ten decimals, as kube-proxy writes it (iptables keeps it as a 32-bit fraction anyway). */
export const probability = (n: number): string => (1 / n).toFixed(10);

/**
 * A rule comment naming the Service port. Kubernetes names are [a-z0-9.-]; anything else is replaced so that the
 * comment never needs escaping inside the restore text, and it is cut to iptables' 256-byte limit.
 */
export function commentFor(f: Forward): string {
  const text = f.portName === '' ? f.service : `${f.service}:${f.portName}`;
  return text.replace(/[^A-Za-z0-9._/:-]/g, '_').slice(0, 255);
}

/** `-d VIP/32 -p tcp -m tcp --dport 80 -m comment --comment "ns/svc:port"`: the match of a Forward's packets. */
function forwardMatch(f: Forward): string {
  const p = PROTO[f.protocol];
  return `-d ${formatIP(f.ip)}/${hostBits(f.ip.family)} -p ${p} -m ${p} --dport ${f.port} -m comment --comment "${commentFor(f)}"`;
}

function rejectWith(f: Forward): string {
  if (f.protocol === 'TCP') return 'tcp-reset';
  return f.ip.family === 'IPv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable';
}

interface Out {
  readonly natChains: string[];
  readonly natRules: string[];
  readonly filterRules: string[];
  readonly nat: Set<string>;
}

/** The nat chains of one Forward with backends: firewall (when it has source ranges), service, endpoints. */
function renderForward(f: Forward, out: Out): void {
  const svc = serviceChain(f.key);
  // A backend listed twice would declare its chain twice, which the restore refuses; it gets one share.
  const byEndpoint = new Map(f.backends.map((b) => [endpointText(b), b]));
  const backends = [...byEndpoint.values()];
  const seps = [...byEndpoint.keys()].map((e) => endpointChain(f.key, e));
  const restricted = f.sourceRanges.length > 0;
  const declare = (chain: string): void => {
    out.nat.add(chain);
    out.natChains.push(`:${chain} - [0:0]`);
  };

  if (restricted) {
    const fw = firewallChain(f.key);
    declare(fw);
    out.natRules.push(`-A ${SERVICES_CHAIN} ${forwardMatch(f)} -j ${fw}`);
    // A range of the other family never matches a packet of this one: left out (with none left, no source passes
    // and IRONLB-FILTER drops them all).
    for (const r of f.sourceRanges) {
      if (r.ip.family === f.ip.family) out.natRules.push(`-A ${fw} -s ${prefixText(r)} -j ${svc}`);
    }
  } else {
    out.natRules.push(`-A ${SERVICES_CHAIN} ${forwardMatch(f)} -j ${svc}`);
  }

  declare(svc);
  const affinity = f.affinitySec !== undefined && f.affinitySec > 0 ? f.affinitySec : undefined;
  if (affinity !== undefined) {
    // A client seen within the timeout goes back to the endpoint whose list holds it; --reap forgets older ones.
    for (const sep of seps) {
      out.natRules.push(`-A ${svc} -m recent --name ${sep} --rcheck --seconds ${affinity} --reap -j ${sep}`);
    }
  }
  const n = seps.length;
  for (let i = 0; i < n - 1; i++) {
    out.natRules.push(`-A ${svc} -m statistic --mode random --probability ${probability(n - i)} -j ${seps[i]}`);
  }
  out.natRules.push(`-A ${svc} -j ${seps[n - 1]}`);

  const p = PROTO[f.protocol];
  backends.forEach((b, i) => {
    const sep = seps[i];
    declare(sep);
    if (f.masquerade) out.natRules.push(`-A ${sep} -j MARK --or-mark ${MASQ_MARK}`);
    // A backend reaching the VIP and landing on itself would get its own reply from the wrong address: masquerade it
    // even when the client's address is otherwise kept (kube-proxy's hairpin rule).
    else out.natRules.push(`-A ${sep} -s ${formatIP(b.ip)}/${hostBits(b.ip.family)} -j MARK --or-mark ${MASQ_MARK}`);
    const remember = affinity !== undefined ? ` -m recent --name ${sep} --set` : '';
    out.natRules.push(`-A ${sep} -p ${p}${remember} -j DNAT --to-destination ${endpointText(b)}`);
  });
}

/** The filter rules of one Forward: refuse it when it has no backends, drop sources outside its ranges. */
function renderFilter(f: Forward, out: Out): void {
  const match = forwardMatch(f);
  const ranges = f.sourceRanges.filter((r) => r.ip.family === f.ip.family);
  if (f.backends.length === 0) {
    const reject = `-j REJECT --reject-with ${rejectWith(f)}`;
    if (f.sourceRanges.length === 0) {
      out.filterRules.push(`-A ${FILTER_CHAIN} ${match} ${reject}`);
      return;
    }
    // Allowed sources learn at once that nothing serves the port; the others are not told anything.
    for (const r of ranges) out.filterRules.push(`-A ${FILTER_CHAIN} -s ${prefixText(r)} ${match} ${reject}`);
    out.filterRules.push(`-A ${FILTER_CHAIN} ${match} -j DROP`);
    return;
  }
  // Still addressed to the VIP in filter: the firewall chain did not pass it on to DNAT.
  if (f.sourceRanges.length > 0) out.filterRules.push(`-A ${FILTER_CHAIN} ${match} -j DROP`);
}

/** Chains of `previous` in `table` that this render does not keep: declared (flushed), then deleted. */
function gone(previous: RenderedChains | undefined, table: IptablesTable, kept: ReadonlySet<string>): string[] {
  if (!previous) return [];
  return [...previous[table]].filter((c) => !kept.has(c));
}

/**
 * The restore text for `family`'s Forwards of `plan`, and the chains it leaves. `previous` is what the last render
 * (or a save of the kernel's tables) held: its chains that are gone are deleted.
 */
export function renderIptables(plan: DataplanePlan, family: IPFamily, previous?: RenderedChains): RenderedIptables {
  const out: Out = { natChains: [], natRules: [], filterRules: [], nat: new Set(FIXED_CHAINS.nat) };
  for (const f of plan.forwards.values()) {
    if (f.ip.family !== family) continue;
    if (f.backends.length > 0) renderForward(f, out);
    renderFilter(f, out);
  }
  const filter: ReadonlySet<string> = new Set(FIXED_CHAINS.filter);
  const natGone = gone(previous, 'nat', out.nat);
  const filterGone = gone(previous, 'filter', filter);

  const lines = [
    '*nat',
    ...FIXED_CHAINS.nat.map((c) => `:${c} - [0:0]`),
    ...out.natChains,
    ...natGone.map((c) => `:${c} - [0:0]`),
    `-A ${PREROUTING_CHAIN} -j ${SERVICES_CHAIN}`,
    `-A ${OUTPUT_CHAIN} -j ${SERVICES_CHAIN}`,
    `-A ${POSTROUTING_CHAIN} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    // Cleared before MASQUERADE so that a packet passing the stack again (a tunnel, a bridge) is not NATed twice.
    `-A ${POSTROUTING_CHAIN} -j MARK --xor-mark ${MASQ_MARK}`,
    `-A ${POSTROUTING_CHAIN} -j MASQUERADE --random-fully`,
    ...out.natRules,
    ...natGone.map((c) => `-X ${c}`),
    'COMMIT',
    '*filter',
    ...FIXED_CHAINS.filter.map((c) => `:${c} - [0:0]`),
    ...filterGone.map((c) => `:${c} - [0:0]`),
    ...out.filterRules,
    ...filterGone.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ];
  return { text: lines.join('\n'), chains: { nat: out.nat, filter } };
}

/** Restore text that flushes and deletes every chain given (cleanup, once the built-in jumps are gone). */
export function renderRemoval(chains: RenderedChains): string {
  const lines: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    const names = [...chains[table]];
    if (names.length === 0) continue;
    lines.push(`*${table}`, ...names.map((c) => `:${c} - [0:0]`), ...names.map((c) => `-X ${c}`), 'COMMIT');
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
