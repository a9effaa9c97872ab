/**
 * The ironlb annotations of a Service, with the MetalLB spellings as aliases because users' YAML carries them.
 * Ours win, then metallb.io, then metallb.universe.tf, so a user migrating can override an old value by adding ours.
 */
import { isRecord, jsonType, type RawObject } from '@ironlb/shared/config';
import { formatIP, parseIP, type IPAddress } from '../ipam';
import { invalid, type Invalid } from './invalid';

const PREFIXES = ['ironlb.io/', 'metallb.io/', 'metallb.universe.tf/'] as const;

export type AnnotationName = 'address-pool' | 'allow-shared-ip' | 'loadBalancerIPs';

export interface Annotation {
  /** The full key that won, for messages. */
  readonly key: string;
  readonly value: string;
}

export const annotationField = (key: string): string => `metadata.annotations[${key}]`;

/** metadata.annotations, or an empty map when the Service has none. */
export function annotationsOf(metadata: RawObject): RawObject | Invalid {
  const a = metadata.annotations;
  if (a === undefined || a === null) return {};
  if (!isRecord(a)) return invalid('metadata.annotations', `must be an object, got ${jsonType(a)}`);
  return a;
}

/** The first spelling present wins even when its value is empty, so an empty ours can switch an alias off. */
export function annotation(annotations: RawObject, name: AnnotationName): Annotation | Invalid | undefined {
  for (const prefix of PREFIXES) {
    const key = prefix + name;
    if (!Object.hasOwn(annotations, key)) continue;
    const value = annotations[key];
    if (typeof value !== 'string') return invalid(annotationField(key), `must be a string, got ${jsonType(value)}`);
    return { key, value };
  }
  return undefined;
}

/** Comma-separated addresses, at most one per family, as Kubernetes allows one address per family on a Service. */
export function requestedIPsOf(a: Annotation): IPAddress[] | Invalid {
  const field = annotationField(a.key);
  const ips: IPAddress[] = [];
  for (const entry of a.value.split(',').map((s) => s.trim())) {
    if (entry === '') return invalid(field, `"${a.value}" has an empty entry`);
    const ip = parseIP(entry);
    if (ip === undefined) return invalid(field, `"${entry}" is not an IP address`);
    const same = ips.find((other) => other.family === ip.family);
    if (same) {
      return invalid(field, `"${formatIP(same)}" and "${entry}" are both ${ip.family}; at most one per family`);
    }
    ips.push(ip);
  }
  return ips;
}
