/**
 * Which Services may hold one IP, written from MetalLB's documented rules rather than taken from the controller's
 * allocator, so the tests and the benchmark check the controller instead of repeating it: the same non-empty
 * sharing key, no port+protocol pair in common, and when either uses externalTrafficPolicy Local, both do and both
 * select the same pods.
 */

export interface ServiceObject {
  metadata: { namespace?: string; name?: string; annotations?: Record<string, string> };
  spec?: {
    ports?: { port: number; protocol?: string }[];
    externalTrafficPolicy?: string;
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

// Ours first, then MetalLB's two spellings: the first one present wins, as users' YAML may carry any of them.
const KEY_ANNOTATIONS = [
  'ironlb.io/allow-shared-ip',
  'metallb.io/allow-shared-ip',
  'metallb.universe.tf/allow-shared-ip',
];

export const nameOf = (s: ServiceObject): string => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;

export const ingressOf = (s: ServiceObject): string[] =>
  (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');

function sharingKey(s: ServiceObject): string {
  const annotations = s.metadata.annotations ?? {};
  const found = KEY_ANNOTATIONS.find((k) => Object.hasOwn(annotations, k));
  return found ? annotations[found] : '';
}

const sameSelector = (a: Record<string, string> = {}, b: Record<string, string> = {}): boolean => {
  const ka = Object.keys(a);
  return ka.length > 0 && ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
};

/** Why `a` and `b` must not hold one IP, or undefined when they may. */
export function incompatibility(a: ServiceObject, b: ServiceObject): string | undefined {
  const key = sharingKey(a);
  if (key === '' || key !== sharingKey(b)) return `sharing keys "${key}" and "${sharingKey(b)}"`;
  const portsOf = (s: ServiceObject): string[] => (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
  const theirs = new Set(portsOf(b));
  const common = portsOf(a).find((p) => theirs.has(p));
  if (common) return `both use ${common}`;
  const localA = a.spec?.externalTrafficPolicy === 'Local';
  const localB = b.spec?.externalTrafficPolicy === 'Local';
  if (localA !== localB) return 'externalTrafficPolicy Local beside Cluster';
  if (localA && !sameSelector(a.spec?.selector, b.spec?.selector)) return 'Local with different selectors';
  return undefined;
}

/** Every IP held by two Services that must not share it, one line per offending pair. */
export function sharingViolations(services: readonly ServiceObject[]): string[] {
  const byIP = new Map<string, ServiceObject[]>();
  for (const s of services) {
    for (const ip of ingressOf(s)) {
      const holders = byIP.get(ip);
      if (holders) holders.push(s);
      else byIP.set(ip, [s]);
    }
  }
  const out: string[] = [];
  for (const [ip, holders] of byIP) {
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const why = incompatibility(holders[i], holders[j]);
        if (why) out.push(`${ip} is on ${nameOf(holders[i])} and ${nameOf(holders[j])}: ${why}`);
      }
    }
  }
  return out;
}
