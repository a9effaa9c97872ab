/**
 * The parts of DaemonSets, Deployments, Services and Nodes the lab kubelet acts on, parsed from the API's JSON at
 * the edge. A field it cannot honour is an error naming the object and the field, never silently ignored: the
 * lab must run the chart's pods as a kubelet would, or say why it cannot.
 */

export type Obj = Record<string, unknown>;

export class LabKubeletError extends Error {}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  /** valueFrom.fieldRef.fieldPath */
  fieldPath?: string;
}

export interface Capabilities {
  add: string[];
  drop: string[];
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: Capabilities;
}

export interface HttpProbe {
  path: string;
  port: number;
  periodSeconds: number;
  failureThreshold: number;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: string;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: EnvVar[];
  ports: ContainerPort[];
  securityContext: SecurityContext;
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
}

export interface Toleration {
  key?: string;
  operator: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

export interface PodSpec {
  serviceAccountName: string;
  hostNetwork: boolean;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  securityContext: SecurityContext;
  terminationGracePeriodSeconds: number;
  containers: Container[];
}

export interface PodTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
}

export interface Workload {
  ref: ObjectRef;
  generation: number;
  /** Deployments only; a DaemonSet runs one pod per eligible node. */
  replicas?: number;
  selector: Record<string, string>;
  template: PodTemplate;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface LabNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
}

export interface ServicePort {
  name: string;
  protocol: string;
  port: number;
  /** A number, or the name of a container port. */
  targetPort: number | string;
}

export interface SelectingService {
  namespace: string;
  name: string;
  uid: string;
  selector: Record<string, string>;
  ports: ServicePort[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads fields of one object, naming the object and the field's path in every error. */
class Reader {
  constructor(
    private readonly what: string,
    private readonly at: string,
    private readonly value: unknown,
  ) {}

  private fail(field: string, want: string): never {
    throw new LabKubeletError(`${this.what}: ${field}: expected ${want}`);
  }

  /** An error about `key` of this reader's object. */
  error(key: string, message: string): LabKubeletError {
    return new LabKubeletError(`${this.what}: ${this.path(key)}: ${message}`);
  }

  private path(key: string | number): string {
    return typeof key === 'number' ? `${this.at}[${key}]` : this.at === '' ? key : `${this.at}.${key}`;
  }

  private raw(key: string | number): unknown {
    if (typeof key === 'number') return Array.isArray(this.value) ? this.value[key] : undefined;
    return isObj(this.value) ? this.value[key] : undefined;
  }

  child(key: string | number): Reader {
    return new Reader(this.what, this.path(key), this.raw(key));
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined && this.raw(key) !== null;
  }

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(this.path(key), 'a string');
    return v;
  }

  mustStr(key: string): string {
    const v = this.str(key);
    if (v === undefined || v === '') this.fail(this.path(key), 'a non-empty string');
    return v;
  }

  num(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(this.path(key), 'an integer');
    return v;
  }

  mustNum(key: string): number {
    const v = this.num(key);
    if (v === undefined) this.fail(this.path(key), 'an integer');
    return v;
  }

  /** An IntOrString field, such as a port given by number or by name. */
  intOrStr(key: string): number | string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && (typeof v !== 'number' || !Number.isInteger(v)))
      this.fail(this.path(key), 'an integer or a name');
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(this.path(key), 'true or false');
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(this.path(key), 'a list of strings');
    return v as string[];
  }

  stringMap(key: string): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined || v === null) return {};
    if (!isObj(v) || !Object.values(v).every((s) => typeof s === 'string')) this.fail(this.path(key), 'a string map');
    return v as Record<string, string>;
  }

  list(key: string): Reader[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(this.path(key), 'a list');
    return v.map((_, i) => this.child(key).child(i));
  }

  /** A field the lab does not run: an error rather than a pod that silently differs from the cluster's. */
  refuse(key: string, why: string): void {
    // Set to its zero value (false, empty) the field asks for nothing: only a real use is refused.
    const v = this.raw(key);
    const zero =
      v === false || v === '' || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
    if (this.has(key) && !zero) throw new LabKubeletError(`${this.what}: ${this.path(key)}: ${why}`);
  }
}

export function objectName(kind: string, obj: unknown): string {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
  return `${kind} ${ns}${typeof meta.name === 'string' ? meta.name : '(unnamed)'}`;
}

function refOf(kind: string, r: Reader): ObjectRef {
  const meta = r.child('metadata');
  return {
    kind,
    namespace: meta.str('namespace') ?? 'default',
    name: meta.mustStr('name'),
    uid: meta.str('uid') ?? '',
  };
}

export function parseWorkload(kind: 'DaemonSet' | 'Deployment', obj: unknown): Workload {
  const r = new Reader(objectName(kind, obj), '', obj);
  const spec = r.child('spec');
  const selector = spec.child('selector');
  selector.refuse('matchExpressions', 'the lab kubelet selects pods by matchLabels only');
  const replicas = kind === 'Deployment' ? (spec.num('replicas') ?? 1) : undefined;
  if (replicas !== undefined && replicas < 0) throw spec.error('replicas', 'must be 0 or more');
  return {
    ref: refOf(kind, r),
    generation: r.child('metadata').num('generation') ?? 1,
    ...(replicas !== undefined ? { replicas } : {}),
    selector: selector.stringMap('matchLabels'),
    template: parseTemplate(spec.child('template')),
  };
}

function parseTemplate(t: Reader): PodTemplate {
  const meta = t.child('metadata');
  const spec = t.child('spec');
  spec.refuse('initContainers', 'the lab kubelet runs no init containers');
  spec.refuse('hostPID', 'the lab kubelet shares no PID namespace');
  const containers = spec.list('containers').map(parseContainer);
  if (containers.length === 0) throw spec.error('containers', 'at least one container is required');
  return {
    labels: meta.stringMap('labels'),
    annotations: meta.stringMap('annotations'),
    spec: {
      serviceAccountName: spec.str('serviceAccountName') ?? 'default',
      hostNetwork: spec.bool('hostNetwork') ?? false,
      nodeSelector: spec.stringMap('nodeSelector'),
      tolerations: spec.list('tolerations').map(parseToleration),
      securityContext: parseSecurity(spec.child('securityContext')),
      terminationGracePeriodSeconds: spec.num('terminationGracePeriodSeconds') ?? 30,
      containers,
    },
  };
}

function parseToleration(r: Reader): Toleration {
  const operator = r.str('operator') ?? 'Equal';
  if (operator !== 'Exists' && operator !== 'Equal') throw r.error('operator', 'must be Exists or Equal');
  return {
    ...(r.str('key') !== undefined ? { key: r.str('key') } : {}),
    operator: operator as Toleration['operator'],
    ...(r.str('value') !== undefined ? { value: r.str('value') } : {}),
    ...(r.str('effect') ? { effect: r.str('effect') } : {}),
  };
}

function parseSecurity(r: Reader): SecurityContext {
  const caps = r.child('capabilities');
  const out: SecurityContext = {};
  const uid = r.num('runAsUser');
  const gid = r.num('runAsGroup');
  const nonRoot = r.bool('runAsNonRoot');
  const privileged = r.bool('privileged');
  const escalation = r.bool('allowPrivilegeEscalation');
  const readOnly = r.bool('readOnlyRootFilesystem');
  if (uid !== undefined) out.runAsUser = uid;
  if (gid !== undefined) out.runAsGroup = gid;
  if (nonRoot !== undefined) out.runAsNonRoot = nonRoot;
  if (privileged !== undefined) out.privileged = privileged;
  if (escalation !== undefined) out.allowPrivilegeEscalation = escalation;
  if (readOnly !== undefined) out.readOnlyRootFilesystem = readOnly;
  if (r.has('capabilities')) out.capabilities = { add: caps.strings('add') ?? [], drop: caps.strings('drop') ?? [] };
  return out;
}

function parseProbe(r: Reader, ports: ContainerPort[]): HttpProbe | undefined {
  if (!r.has('httpGet')) {
    r.refuse('exec', 'the lab kubelet runs httpGet probes only');
    r.refuse('tcpSocket', 'the lab kubelet runs httpGet probes only');
    return undefined;
  }
  const get = r.child('httpGet');
  const ref = get.intOrStr('port');
  const port = typeof ref === 'string' ? ports.find((p) => p.name === ref)?.containerPort : ref;
  if (port === undefined) throw get.error('port', 'must be a number or the name of a container port');
  return {
    path: get.str('path') ?? '/',
    port,
    periodSeconds: r.num('periodSeconds') ?? 10,
    failureThreshold: r.num('failureThreshold') ?? 3,
  };
}

function parseContainer(r: Reader): Container {
  r.refuse('workingDir', 'the lab kubelet runs containers in the image directory only');
  r.refuse('envFrom', 'the lab kubelet reads no ConfigMaps or Secrets into the environment');
  const ports = r.list('ports').map((p) => ({
    ...(p.str('name') ? { name: p.str('name') } : {}),
    containerPort: p.mustNum('containerPort'),
    protocol: p.str('protocol') ?? 'TCP',
  }));
  const command = r.strings('command');
  const args = r.strings('args');
  const readiness = parseProbe(r.child('readinessProbe'), ports);
  const liveness = parseProbe(r.child('livenessProbe'), ports);
  return {
    name: r.mustStr('name'),
    image: r.mustStr('image'),
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    env: r.list('env').map(parseEnv),
    ports,
    securityContext: parseSecurity(r.child('securityContext')),
    ...(readiness ? { readinessProbe: readiness } : {}),
    ...(liveness ? { livenessProbe: liveness } : {}),
  };
}

function parseEnv(r: Reader): EnvVar {
  const name = r.mustStr('name');
  if (!r.has('valueFrom')) return { name, value: r.str('value') ?? '' };
  const from = r.child('valueFrom');
  for (const k of ['secretKeyRef', 'configMapKeyRef', 'resourceFieldRef'])
    from.refuse(k, 'the lab kubelet resolves fieldRef only');
  return { name, fieldPath: from.child('fieldRef').mustStr('fieldPath') };
}

export function parseNode(obj: unknown): LabNode {
  const r = new Reader(objectName('Node', obj), '', obj);
  return {
    name: r.child('metadata').mustStr('name'),
    labels: r.child('metadata').stringMap('labels'),
    taints: r
      .child('spec')
      .list('taints')
      .map((t) => ({
        key: t.mustStr('key'),
        ...(t.str('value') !== undefined ? { value: t.str('value') } : {}),
        effect: t.mustStr('effect'),
      })),
  };
}

/** A Service with a selector (one without is not the kubelet's business: its endpoints are someone else's). */
export function parseSelectingService(obj: unknown): SelectingService | undefined {
  const r = new Reader(objectName('Service', obj), '', obj);
  const spec = r.child('spec');
  const selector = spec.stringMap('selector');
  if (Object.keys(selector).length === 0) return undefined;
  const ref = refOf('Service', r);
  return {
    namespace: ref.namespace,
    name: ref.name,
    uid: ref.uid,
    selector,
    ports: spec.list('ports').map((p) => {
      const port = p.mustNum('port');
      const target = p.intOrStr('targetPort');
      return { name: p.str('name') ?? '', protocol: p.str('protocol') ?? 'TCP', port, targetPort: target ?? port };
    }),
  };
}
