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
export function poolsYaml(...pools: PoolSpec[]): string {
  const docs = pools.map(
    (p) => `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${p.name}
  namespace: ironlb-system
spec:
  addresses:
${p.addresses.map((a) => `    - ${a}\n`).join('')}${p.extraSpec ?? ''}`,
  );
  return [
    `apiVersion: v1
kind: Namespace
metadata:
  name: ironlb-system
`,
    ...docs,
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
