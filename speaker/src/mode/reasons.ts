/**
 * Why this node does not announce an IP, as values: a mode's plan returns them, and they are worded here once for
 * the log and used as they are (the code) for metric labels and test expectations.
 */
import { formatIP, type IPFamily, type ParsedIP } from '@ironlb/shared';

/** Nodes with this label never announce (the well-known Kubernetes label; MetalLB honours it too). */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** The advertisement kind whose selectors a mode reads. */
export type AdvertisementKind = 'L2Advertisement' | 'BGPAdvertisement';

/** Why one node may not announce an IP. */
export type NodeIneligibility =
  | { readonly code: 'noLiveSpeaker' }
  | { readonly code: 'cordoned' }
  | { readonly code: 'excludedByLabel' }
  | { readonly code: 'noLocalEndpoint'; readonly service: string }
  | { readonly code: 'nodeNotSelected'; readonly advertisementKind: AdvertisementKind };

/** Why this node does not announce an IP that a Service shows. */
export type NotAnnounced =
  | { readonly code: 'notInAnyPool'; readonly ip: ParsedIP }
  | { readonly code: 'noAdvertisement'; readonly advertisementKind: AdvertisementKind; readonly pool: string }
  | {
      readonly code: 'noEligibleNode';
      /** Every node, by name, with why it may not announce. */
      readonly nodes: readonly { readonly node: string; readonly why: NodeIneligibility }[];
    }
  | { readonly code: 'notOwner'; readonly owner: string }
  | {
      readonly code: 'groupSplit';
      readonly owner: string;
      /**
       * The IPs linked through Services (a dual-stack Service's families, Services sharing an IP) that no single
       * node may announce together, so each was placed alone; in text order.
       */
      readonly ips: readonly ParsedIP[];
    }
  /** BGP: this node may not advertise it at all (every eligible node advertises, so no owner is named). */
  | { readonly code: 'nodeIneligible'; readonly why: NodeIneligibility }
  /** BGP: no BGPPeer's nodeSelectors match this node, so it has no session to advertise on. */
  | { readonly code: 'noPeer' }
  /** BGP: the BGPAdvertisements covering it (names, sorted) name none of this node's BGPPeers in `peers`. */
  | { readonly code: 'noAdvertisedPeer'; readonly advertisements: readonly string[] }
  /** BGP: every peer it would go to carries one family only (BGPPeer.disableMP) and not the IP's (names, sorted). */
  | { readonly code: 'familyNotCarried'; readonly family: IPFamily; readonly peers: readonly string[] }
  /** BGP: this node has no address of the IP's family to give those peers as the next hop (names, sorted). */
  | { readonly code: 'noNextHop'; readonly family: IPFamily; readonly peers: readonly string[] };

export type NotAnnouncedCode = NotAnnounced['code'];

export function nodeIneligibilityText(why: NodeIneligibility): string {
  switch (why.code) {
    case 'noLiveSpeaker':
      return 'no live speaker';
    case 'cordoned':
      return 'cordoned';
    case 'excludedByLabel':
      return `labelled ${EXCLUDE_LABEL}`;
    case 'noLocalEndpoint':
      return `no ready endpoint of ${why.service}`;
    case 'nodeNotSelected':
      return `matches no ${why.advertisementKind} nodeSelectors`;
  }
}

export function notAnnouncedText(reason: NotAnnounced): string {
  switch (reason.code) {
    case 'notInAnyPool':
      return `${formatIP(reason.ip)} is in no IPAddressPool`;
    case 'noAdvertisement':
      return `no ${reason.advertisementKind} covers pool "${reason.pool}"`;
    case 'noEligibleNode': {
      const nodes = reason.nodes.map((n) => `${n.node}: ${nodeIneligibilityText(n.why)}`).join('; ');
      return `no eligible node (${nodes || 'no nodes'})`;
    }
    case 'notOwner':
      return `announced by ${reason.owner}`;
    case 'groupSplit':
      return (
        `announced by ${reason.owner}; no node may announce all of ${reason.ips.map(formatIP).join(', ')} ` +
        '(IPs of Services linked by sharing them), so each is placed alone'
      );
    case 'nodeIneligible':
      return `this node may not advertise it: ${nodeIneligibilityText(reason.why)}`;
    case 'noPeer':
      return 'no BGPPeer selects this node';
    case 'noAdvertisedPeer':
      return `the BGPAdvertisements covering it (${reason.advertisements.join(', ')}) name none of this node's BGPPeers`;
    case 'familyNotCarried':
      return `no BGPPeer of this node carries ${reason.family} (${reason.peers.join(', ')}: disableMP)`;
    case 'noNextHop':
      return `this node has no ${reason.family} address to give ${reason.peers.join(', ')} as the next hop`;
  }
}

/** The node that announces the IP instead, when the reason names one. */
export function ownerOf(reason: NotAnnounced): string | undefined {
  return reason.code === 'notOwner' || reason.code === 'groupSplit' ? reason.owner : undefined;
}

/** Every code once (the Record makes the compiler check it): metrics set each to 0 when no IP has it. */
const CODES: Record<NotAnnouncedCode, true> = {
  notInAnyPool: true,
  noAdvertisement: true,
  noEligibleNode: true,
  notOwner: true,
  groupSplit: true,
  nodeIneligible: true,
  noPeer: true,
  noAdvertisedPeer: true,
  familyNotCarried: true,
  noNextHop: true,
};
export const NOT_ANNOUNCED_CODES = Object.keys(CODES) as readonly NotAnnouncedCode[];
