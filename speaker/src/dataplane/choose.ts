/**
 * `--dataplane auto`: where kube-proxy already forwards LoadBalancer IPs (its nftables table, its iptables chains or
 * its IPVS link are on the node), the speaker programs nothing, so the two never race for the same packets;
 * elsewhere nftables, or iptables on a host without nft. The choice and the reason are logged.
 */
import type { CommandRunner } from './command';

export const DATAPLANE_CHOICES = ['auto', 'nftables', 'iptables', 'ipvs', 'none'] as const;
export type DataplaneChoice = (typeof DATAPLANE_CHOICES)[number];
export type DataplaneKind = Exclude<DataplaneChoice, 'auto'>;

export interface HostFacts {
  /** What of kube-proxy's was found on the node, in words; absent: nothing. */
  readonly kubeProxy?: string;
  readonly nft: boolean;
  readonly iptables: boolean;
}

export interface Decision {
  readonly kind: DataplaneKind;
  readonly why: string;
}

export function decide(choice: DataplaneChoice, facts: HostFacts): Decision {
  if (choice !== 'auto') return { kind: choice, why: `--dataplane ${choice}` };
  if (facts.kubeProxy)
    return {
      kind: 'none',
      why: `kube-proxy forwards LoadBalancer IPs on this node (found ${facts.kubeProxy}); --dataplane nftables overrides`,
    };
  if (facts.nft) return { kind: 'nftables', why: 'no kube-proxy rules on this node, and nft works' };
  if (facts.iptables)
    return { kind: 'iptables', why: 'no kube-proxy rules on this node; nft is missing, iptables works' };
  return {
    kind: 'none',
    why: 'no kube-proxy rules on this node, but neither nft nor iptables runs: nothing forwards VIP traffic here',
  };
}

/** Looks at the node: kube-proxy's nftables tables, iptables chains or IPVS link; whether nft and iptables run. */
export async function hostFacts(runner: CommandRunner): Promise<HostFacts> {
  const tables = await runner.run(['nft', 'list', 'tables']);
  const nft = tables.code === 0;
  const found: string[] = [];
  if (nft && /^table ip6? kube-proxy$/m.test(tables.stdout)) found.push("its nftables table 'kube-proxy'");
  const nat = await runner.run(['iptables-save', '-t', 'nat']);
  const iptables = nat.code === 0;
  if (iptables && /^:KUBE-SERVICES /m.test(nat.stdout)) found.push('its iptables chain KUBE-SERVICES');
  if ((await runner.run(['ip', '-o', 'link', 'show', 'kube-ipvs0'])).code === 0) found.push('its IPVS link kube-ipvs0');
  return { ...(found.length > 0 ? { kubeProxy: found.join(', ') } : {}), nft, iptables };
}
