/**
 * The YAML the controller's tests and the demo apply with kubectl: the controller's namespace with IPAddressPools,
 * and plain LoadBalancer Services. Written as a user writes them, so the text is what kubectl sees.
 */

export interface PoolSpec {
  readonly name: string;
  readonly addresses: readonly string[];
  /** Extra `spec` lines, indented as under `spec:` (e.g. a serviceAllocation). */
  readonly extraSpec?: string;
}

/** The `ironlb-system` Namespace and the given pools in it. */
/** One IPAddressPool in ironlb-system (which must exist: helm's --create-namespace made it). */
export const poolYaml = (p: PoolSpec): string => `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${p.name}
  namespace: ironlb-system
spec:
  addresses:
${p.addresses.map((a) => `    - ${a}\n`).join('')}${p.extraSpec ?? ''}`;

/** The namespace ironlb-system and the pools in it. */
export function poolsYaml(...pools: PoolSpec[]): string {
  return [
    `apiVersion: v1
kind: Namespace
metadata:
  name: ironlb-system
`,
    ...pools.map(poolYaml),
  ].join('---\n');
}

export interface ServiceSpec {
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly loadBalancerIP?: string;
}

/** A LoadBalancer Service on TCP 80 selecting `app: <name>`. */
export function lbServiceYaml(name: string, spec: ServiceSpec = {}): string {
  const annotations = Object.entries(spec.annotations ?? {})
    .map(([k, v]) => `\n    ${k}: "${v}"`)
    .join('');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${spec.namespace ?? 'default'}${annotations ? `\n  annotations:${annotations}` : ''}
spec:
  type: LoadBalancer
  selector:
    app: ${name}
  ports:
    - port: 80
${spec.loadBalancerIP ? `  loadBalancerIP: ${spec.loadBalancerIP}\n` : ''}`;
}

/**
 * A single-stack LoadBalancer Service on TCP 80 selecting `app: <name>`, optionally in a named pool, with extra
 * `spec` lines (indented two spaces, e.g. `  externalTrafficPolicy: Local\n`).
 */
export function familyServiceYaml(
  name: string,
  family: 'IPv4' | 'IPv6',
  opts: { readonly pool?: string; readonly extraSpec?: string } = {},
): string {
  const annotations = opts.pool ? `\n  annotations:\n    metallb.io/address-pool: ${opts.pool}` : '';
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}${annotations}
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [${family}]
  selector:
    app: ${name}
  ports:
    - port: 80
${opts.extraSpec ?? ''}`;
}

/** The lab's pod host on node k: 203.0.113.(16k+2) (scripts/src/lab/plan.ts). */
const LAB_POD: Readonly<Record<string, string>> = {
  node1: '203.0.113.18',
  node2: '203.0.113.34',
  node3: '203.0.113.50',
};

/** The Service's one ready endpoint, the lab pod on `node` (no kubelet runs: tests write the EndpointSlices). */
export const endpointSliceYaml = (service: string, node: string): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-lab
  labels:
    kubernetes.io/service-name: ${service}
addressType: IPv4
endpoints:
  - addresses: [${LAB_POD[node] ?? LAB_POD.node1}]
    nodeName: ${node}
    conditions:
      ready: true
ports:
  - port: 80
    protocol: TCP
`;
