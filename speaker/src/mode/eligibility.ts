/**
 * Which nodes may announce an IP at all, whatever the mode: a live speaker, not cordoned, not excluded by label,
 * and for Local-policy Services a ready endpoint of every Service on the IP (they share one announcement). A mode
 * adds its own rule (its advertisements' node selectors) on top.
 */
import { formatIP, type ParsedIP } from '@ironlb/shared';
import { EXCLUDE_LABEL, type NodeIneligibility } from './reasons';
import type { NodeView, ServiceView, SpeakerView } from './view';

export function nodeIneligibility(
  view: SpeakerView,
  node: NodeView,
  services: readonly ServiceView[],
): NodeIneligibility | undefined {
  if (!view.live.has(node.name)) return { code: 'noLiveSpeaker' };
  if (node.unschedulable) return { code: 'cordoned' };
  if (Object.hasOwn(node.labels, EXCLUDE_LABEL)) return { code: 'excludedByLabel' };
  for (const s of services) {
    if (s.local && !view.endpointNodes.get(s.key)?.has(node.name)) return { code: 'noLocalEndpoint', service: s.key };
  }
  return undefined;
}

export interface SharedIP {
  /** The IP's text: the key of every per-IP map. */
  readonly key: string;
  readonly ip: ParsedIP;
  /** Every Service showing the IP, sorted by key: they share one announcement. */
  readonly services: readonly ServiceView[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The IPs the Services show, each with the Services on it, sorted by IP text. */
export function ipsOf(services: readonly ServiceView[]): SharedIP[] {
  const byIP = new Map<string, { key: string; ip: ParsedIP; services: ServiceView[] }>();
  for (const svc of services) {
    for (const ip of svc.ips) {
      const key = formatIP(ip);
      const entry = byIP.get(key) ?? { key, ip, services: [] };
      entry.services.push(svc);
      byIP.set(key, entry);
    }
  }
  return [...byIP.values()]
    .map((e) => ({ ...e, services: e.services.sort((a, b) => byText(a.key, b.key)) }))
    .sort((a, b) => byText(a.key, b.key));
}

/** The view's nodes sorted by name, so every speaker walks them in one order. */
export const sortedNodes = (view: SpeakerView): NodeView[] =>
  [...view.nodes.values()].sort((a, b) => byText(a.name, b.name));
