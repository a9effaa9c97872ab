import type { JsonObject, KubeObject } from '../types';
import { DESCRIPTIONS as D } from './descriptions';
import { ageSince } from './duration';

/**
 * The built-in kinds' table printers, ported from kube-apiserver's pkg/printers/internalversion. The server always
 * prints "wide" (priority-1 columns are filled, the client hides them), so every printer returns all cells.
 */

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

export interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: Date): Cell[];
  /** Row conditions (pods that completed). */
  conditions?(obj: KubeObject): JsonObject[] | undefined;
}

const col = (name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});
const NAME = col('Name', 'string', D.name, 0, 'name');
const AGE = col('Age', 'string', D.creationTimestamp);
const CREATED_AT = col('Created At', 'date', D.creationTimestamp);

// ---- small readers over untyped JSON ----

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => obj(v)[k], o);
const nameOf = (o: KubeObject): string => o.metadata.name ?? '';
const age = (o: KubeObject, now: Date): string => ageSince(o.metadata.creationTimestamp, now);

/** labels.FormatLabels: `k=v` sorted by key, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const entries = Object.entries(obj(m))
    .map(([k, v]) => `${k}=${str(v)}`)
    .sort();
  return entries.length ? entries.join(',') : '<none>';
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, `` for an empty selector. */
export function formatLabelSelector(sel: unknown): string {
  if (sel === undefined || sel === null) return '';
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(obj(at(sel, 'matchLabels')))) reqs.push([k, `${k}=${str(v)}`]);
  for (const e of arr(at(sel, 'matchExpressions'))) {
    const key = str(at(e, 'key'));
    const values = arr(at(e, 'values')).map(str).sort();
    switch (str(at(e, 'operator'))) {
      case 'In':
        reqs.push([key, `${key} in (${values.join(',')})`]);
        break;
      case 'NotIn':
        reqs.push([key, `${key} notin (${values.join(',')})`]);
        break;
      case 'Exists':
        reqs.push([key, key]);
        break;
      case 'DoesNotExist':
        reqs.push([key, `!${key}`]);
        break;
      default:
        return '<invalid>';
    }
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(',');
}

/** layoutContainerCells: names and images, comma-joined. */
function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(at(podSpec, 'containers'));
  return [cs.map((c) => str(at(c, 'name'))).join(','), cs.map((c) => str(at(c, 'image'))).join(',')];
}

/** sets.NewString(...).List(): unique and sorted. */
const sortedSet = (xs: string[]): string[] => [...new Set(xs)].sort();

// ---- services ----

function loadBalancerIPs(svc: KubeObject): string {
  const ingress = arr(at(svc, 'status', 'loadBalancer', 'ingress'));
  const ips = ingress.map((i) => str(at(i, 'ip')) || str(at(i, 'hostname'))).filter(Boolean);
  return sortedSet(ips).join(',');
}

function serviceExternalIP(svc: KubeObject): string {
  const spec = obj(svc.spec);
  const externalIPs = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(svc);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** makePortString: `port[:nodePort]/protocol`, comma-joined. */
export function servicePorts(ports: unknown): string {
  return arr(ports)
    .map((p) => {
      const nodePort = num(at(p, 'nodePort'));
      const port = num(at(p, 'port'));
      const proto = str(at(p, 'protocol'));
      return nodePort > 0 ? `${port}:${nodePort}/${proto}` : `${port}/${proto}`;
    })
    .join(',');
}

const services: Printer = {
  columns: [
    NAME,
    col('Type', 'string', D.serviceType),
    col('Cluster-IP', 'string', D.clusterIP),
    col('External-IP', 'string', D.externalIPs),
    col('Port(s)', 'string', D.servicePorts),
    AGE,
    col('Selector', 'string', D.serviceSelector, 1),
  ],
  cells(svc, now) {
    const spec = obj(svc.spec);
    const clusterIPs = arr(spec.clusterIPs).map(str);
    return [
      nameOf(svc),
      str(spec.type),
      clusterIPs[0] || '<none>',
      serviceExternalIP(svc),
      servicePorts(spec.ports) || '<none>',
      age(svc, now),
      formatLabels(spec.selector),
    ];
  },
};

// ---- nodes ----

function nodeAddress(node: KubeObject, type: string): string {
  const a = arr(at(node, 'status', 'addresses')).find((x) => at(x, 'type') === type);
  return a ? str(at(a, 'address')) : '<none>';
}

const nodes: Printer = {
  columns: [
    NAME,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE,
    col('Version', 'string', D.kubeletVersion),
    col('Internal-IP', 'string', D.addresses, 1),
    col('External-IP', 'string', D.addresses, 1),
    col('OS-Image', 'string', D.osImage, 1),
    col('Kernel-Version', 'string', D.kernelVersion, 1),
    col('Container-Runtime', 'string', D.containerRuntimeVersion, 1),
  ],
  cells(node, now) {
    const conditions = arr(at(node, 'status', 'conditions'));
    // Only Ready is reported; the last condition of a type wins, as in the Go map.
    const ready = conditions.filter((c) => at(c, 'type') === 'Ready').pop();
    const status: string[] = [];
    if (ready) status.push(at(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
    if (!status.length) status.push('Unknown');
    if (at(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
    const roles: string[] = [];
    for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/')) {
        const role = k.slice('node-role.kubernetes.io/'.length);
        if (role) roles.push(role);
      } else if (k === 'kubernetes.io/role' && v) roles.push(v);
    }
    const info = obj(at(node, 'status', 'nodeInfo'));
    return [
      nameOf(node),
      status.join(','),
      sortedSet(roles).join(',') || '<none>',
      age(node, now),
      str(info.kubeletVersion),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};

// ---- pods ----

function isRestartableInit(c: unknown): boolean {
  return at(c, 'restartPolicy') === 'Always';
}

const after = (a: string, b: string): boolean => !!b && (!a || Date.parse(b) > Date.parse(a));

function podCells(pod: KubeObject, now: Date): Cell[] {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const initSpecs = arr(spec.initContainers);
  let restarts = 0;
  let initRestarts = 0;
  let totalContainers = arr(spec.containers).length;
  let readyContainers = 0;
  let lastRestart = '';
  let lastInitRestart = '';
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of arr(status.conditions)) {
    if (at(c, 'type') === 'PodScheduled' && at(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initByName = new Map<string, unknown>();
  for (const c of initSpecs) {
    initByName.set(str(at(c, 'name')), c);
    if (isRestartableInit(c)) totalContainers++;
  }
  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const count = num(at(c, 'restartCount'));
    restarts += count;
    const finished = str(at(c, 'lastState', 'terminated', 'finishedAt'));
    if (after(lastRestart, finished)) lastRestart = finished;
    const restartable = isRestartableInit(initByName.get(str(at(c, 'name'))));
    if (restartable) {
      initRestarts += count;
      if (after(lastInitRestart, finished)) lastInitRestart = finished;
    }
    const terminated = at(c, 'state', 'terminated');
    const waiting = at(c, 'state', 'waiting');
    if (terminated && num(at(terminated, 'exitCode')) === 0) continue;
    if (restartable && at(c, 'started') === true) {
      if (at(c, 'ready') === true) readyContainers++;
      continue;
    }
    if (terminated) {
      const r = str(at(terminated, 'reason'));
      const signal = num(at(terminated, 'signal'));
      reason = r ? `Init:${r}` : signal ? `Init:Signal:${signal}` : `Init:ExitCode:${num(at(terminated, 'exitCode'))}`;
    } else if (waiting && str(at(waiting, 'reason')) && at(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${str(at(waiting, 'reason'))}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = arr(status.conditions).some(
    (c) => at(c, 'type') === 'Initialized' && at(c, 'status') === 'True',
  );
  if (!initializing || initializedTrue) {
    restarts = initRestarts;
    lastRestart = lastInitRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(at(c, 'restartCount'));
      const finished = str(at(c, 'lastState', 'terminated', 'finishedAt'));
      if (after(lastRestart, finished)) lastRestart = finished;
      const waiting = at(c, 'state', 'waiting');
      const terminated = at(c, 'state', 'terminated');
      if (waiting && str(at(waiting, 'reason'))) reason = str(at(waiting, 'reason'));
      else if (terminated && str(at(terminated, 'reason'))) reason = str(at(terminated, 'reason'));
      else if (terminated) {
        const signal = num(at(terminated, 'signal'));
        reason = signal ? `Signal:${signal}` : `ExitCode:${num(at(terminated, 'exitCode'))}`;
      } else if (at(c, 'ready') === true && at(c, 'state', 'running')) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(status.conditions).some((c) => at(c, 'type') === 'Ready' && at(c, 'status') === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell =
    restarts !== 0 && lastRestart ? `${restarts} (${ageSince(lastRestart, now)} ago)` : String(restarts);
  const podIPs = arr(status.podIPs);
  const podIP = str(at(podIPs[0], 'ip')) || '<none>';
  const gates = arr(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length) {
    let trueConditions = 0;
    for (const g of gates) {
      const c = arr(status.conditions).find((x) => at(x, 'type') === at(g, 'conditionType'));
      if (c && at(c, 'status') === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }
  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    age(pod, now),
    podIP,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    readinessGates,
  ];
}

const pods: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'string', D.podIP, 1),
    col('Node', 'string', D.nodeName, 1),
    col('Nominated Node', 'string', D.nominatedNodeName, 1),
    col('Readiness Gates', 'string', D.readinessGates, 1),
  ],
  cells: podCells,
  conditions(pod) {
    const phase = at(pod, 'status', 'phase');
    if (phase === 'Succeeded')
      return [
        { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
      ];
    if (phase === 'Failed')
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};

// ---- events (core/v1 and events.k8s.io/v1 print alike: the server prints its internal Event) ----

interface EventView {
  first: string;
  last: string;
  count: number;
  target: string;
  fieldPath: string;
  source: string;
  message: string;
}

function eventView(ev: KubeObject, now: Date): EventView {
  const e = obj(ev);
  const isNew = ev.apiVersion === 'events.k8s.io/v1';
  const firstTimestamp = str(isNew ? e.deprecatedFirstTimestamp : e.firstTimestamp);
  const lastTimestamp = str(isNew ? e.deprecatedLastTimestamp : e.lastTimestamp);
  const involved = obj(isNew ? e.regarding : e.involvedObject);
  const source = obj(isNew ? e.deprecatedSource : e.source);
  const reportingController = str(e.reportingController);
  const reportingInstance = str(e.reportingInstance);
  const first = firstTimestamp ? ageSince(firstTimestamp, now) : ageSince(e.eventTime, now);
  let last = lastTimestamp ? ageSince(lastTimestamp, now) : first;
  let count = num(isNew ? e.deprecatedCount : e.count);
  const series = e.series;
  if (series && typeof series === 'object') {
    last = ageSince(at(series, 'lastObservedTime'), now);
    count = num(at(series, 'count'));
  } else if (count === 0) {
    // Singleton events carry no count in the new API.
    count = 1;
  }
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const component = str(source.component) || reportingController;
  const instance = str(source.host) || reportingInstance;
  return {
    first,
    last,
    count,
    target,
    fieldPath: str(involved.fieldPath),
    source: instance ? `${component}, ${instance}` : component,
    message: str(isNew ? e.note : e.message).trim(),
  };
}

const events: Printer = {
  columns: [
    col('Last Seen', 'string', D.lastTimestamp),
    col('Type', 'string', D.eventType),
    col('Reason', 'string', D.reason),
    col('Object', 'string', D.involvedObject),
    col('Subobject', 'string', D.fieldPath, 1),
    col('Source', 'string', D.source, 1),
    col('Message', 'string', D.message),
    col('First Seen', 'string', D.firstTimestamp, 1),
    col('Count', 'string', D.count, 1),
    col('Name', 'string', D.name, 1, 'name'),
  ],
  cells(ev, now) {
    const v = eventView(ev, now);
    const e = obj(ev);
    return [
      v.last,
      str(e.type),
      str(e.reason),
      v.target,
      v.fieldPath,
      v.source,
      v.message,
      v.first,
      v.count,
      nameOf(ev),
    ];
  },
};

// ---- endpoints and endpoint slices ----

/** formatEndpoints: the first three `ip:port`, then `+ N more...`. */
function formatEndpoints(ep: KubeObject): string {
  const subsets = arr(ep.subsets);
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = arr(at(ss, 'addresses'));
    const ports = arr(at(ss, 'ports'));
    if (!ports.length) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(at(a, 'ip')));
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(str(at(a, 'ip')), num(at(p, 'port'))));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** listWithMoreString: three, then `+ N more...`; `<unset>` when empty. */
function listWithMore(items: string[]): string {
  const max = 3;
  const list = items.slice(0, max).join(',');
  if (items.length > max) return `${list} + ${items.length - max} more...`;
  return list || '<unset>';
}

const endpoints: Printer = {
  columns: [NAME, col('Endpoints', 'string', D.subsets), AGE],
  cells: (ep, now) => [nameOf(ep), formatEndpoints(ep), age(ep, now)],
};

const endpointSlices: Printer = {
  columns: [
    NAME,
    col('AddressType', 'string', D.addressType),
    col('Ports', 'string', D.slicePorts),
    col('Endpoints', 'string', D.sliceEndpoints),
    AGE,
  ],
  cells(es, now) {
    const ports = arr(es.ports).map((p) => {
      const port = at(p, 'port');
      if (typeof port === 'number') return String(port);
      const name = at(p, 'name');
      return typeof name === 'string' ? name : '*';
    });
    const addresses = arr(es.endpoints).flatMap((e) => arr(at(e, 'addresses')).map(str));
    return [nameOf(es), str(es.addressType), listWithMore(ports), listWithMore(addresses), age(es, now)];
  },
};

// ---- the rest ----

const namespaces: Printer = {
  columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  cells: (ns, now) => [nameOf(ns), str(at(ns, 'status', 'phase')), age(ns, now)],
};

const secrets: Printer = {
  columns: [NAME, col('Type', 'string', D.secretType), col('Data', 'string', D.secretData), AGE],
  cells: (s, now) => [nameOf(s), str(s.type), Object.keys(obj(s.data)).length, age(s, now)],
};

const configMaps: Printer = {
  columns: [NAME, col('Data', 'string', D.configMapData), AGE],
  cells: (cm, now) => [
    nameOf(cm),
    Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length,
    age(cm, now),
  ],
};

const serviceAccounts: Printer = {
  columns: [NAME, col('Secrets', 'string', D.serviceAccountSecrets), AGE],
  cells: (sa, now) => [nameOf(sa), arr(sa.secrets).length, age(sa, now)],
};

const leases: Printer = {
  columns: [NAME, col('Holder', 'string', D.holderIdentity), AGE],
  cells: (l, now) => [nameOf(l), str(at(l, 'spec', 'holderIdentity')), age(l, now)],
};

const deployments: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', D.updatedReplicas),
    col('Available', 'string', D.availableReplicas),
    AGE,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', D.deploymentSelector, 1),
  ],
  cells(d, now) {
    const status = obj(d.status);
    const [containers, images] = containerCells(at(d, 'spec', 'template', 'spec'));
    return [
      nameOf(d),
      `${num(status.readyReplicas)}/${num(at(d, 'spec', 'replicas'))}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      age(d, now),
      containers,
      images,
      formatLabelSelector(at(d, 'spec', 'selector')),
    ];
  },
};

const daemonSets: Printer = {
  columns: [
    NAME,
    col('Desired', 'integer', D.desiredNumberScheduled),
    col('Current', 'integer', D.currentNumberScheduled),
    col('Ready', 'integer', D.numberReady),
    col('Up-to-date', 'integer', D.updatedNumberScheduled),
    col('Available', 'integer', D.numberAvailable),
    col('Node Selector', 'string', D.nodeSelector),
    AGE,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', D.daemonSetSelector, 1),
  ],
  cells(ds, now) {
    const s = obj(ds.status);
    const podSpec = at(ds, 'spec', 'template', 'spec');
    const [containers, images] = containerCells(podSpec);
    return [
      nameOf(ds),
      num(s.desiredNumberScheduled),
      num(s.currentNumberScheduled),
      num(s.numberReady),
      num(s.updatedNumberScheduled),
      num(s.numberAvailable),
      formatLabels(at(podSpec, 'nodeSelector')),
      age(ds, now),
      containers,
      images,
      formatLabelSelector(at(ds, 'spec', 'selector')),
    ];
  },
};

/** PodDisruptionBudget: its one bound (the other N/A) and what the disruption controller allows (no such controller here). */
const podDisruptionBudgets: Printer = {
  columns: [
    NAME,
    col('Min Available', 'string', 'The minimum number or percentage of available pods this budget requires.'),
    col('Max Unavailable', 'string', 'The maximum number or percentage of unavailable pods this budget requires.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  cells(pdb, now) {
    const bound = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));
    return [
      nameOf(pdb),
      bound(at(pdb, 'spec', 'minAvailable')),
      bound(at(pdb, 'spec', 'maxUnavailable')),
      num(at(pdb, 'status', 'disruptionsAllowed')),
      age(pdb, now),
    ];
  },
};

/** Role and ClusterRole: name and the creation time as RFC3339 (no age). */
const roles: Printer = {
  columns: [NAME, CREATED_AT],
  cells: (r) => [nameOf(r), rfc3339(r.metadata.creationTimestamp)],
};

function bindingPrinter(kind: 'roleBinding' | 'clusterRoleBinding'): Printer {
  return {
    columns: [
      NAME,
      col('Role', 'string', kind === 'roleBinding' ? D.roleRef : D.clusterRoleRef),
      AGE,
      col('Users', 'string', `Users in the ${kind}`, 1),
      col('Groups', 'string', `Groups in the ${kind}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`, 1),
    ],
    cells(b, now) {
      const subjects = arr(b.subjects);
      const of = (k: string): unknown[] => subjects.filter((s) => at(s, 'kind') === k);
      return [
        nameOf(b),
        `${str(at(b, 'roleRef', 'kind'))}/${str(at(b, 'roleRef', 'name'))}`,
        age(b, now),
        of('User')
          .map((s) => str(at(s, 'name')))
          .join(', '),
        of('Group')
          .map((s) => str(at(s, 'name')))
          .join(', '),
        of('ServiceAccount')
          .map((s) => `${str(at(s, 'namespace'))}/${str(at(s, 'name'))}`)
          .join(', '),
      ];
    },
  };
}

const webhooks: Printer = {
  columns: [
    NAME,
    col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
    AGE,
  ],
  cells: (w, now) => [nameOf(w), arr(w.webhooks).length, age(w, now)],
};

/** metav1.Time in RFC3339 UTC, second precision, as Go's time.RFC3339 formats it. */
function rfc3339(ts: string | undefined): string {
  if (!ts) return '0001-01-01T00:00:00Z';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** rest.NewDefaultTableConvertor: what a kind without a printer (and a CRD object itself) shows. */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, CREATED_AT],
  cells: (o) => [nameOf(o), rfc3339(o.metadata.creationTimestamp)],
};

/** Printers by `group/resource` (core group: `/resource`). */
export const PRINTERS: Record<string, Printer> = {
  '/services': services,
  '/nodes': nodes,
  '/pods': pods,
  '/events': events,
  'events.k8s.io/events': events,
  '/endpoints': endpoints,
  'discovery.k8s.io/endpointslices': endpointSlices,
  '/namespaces': namespaces,
  '/secrets': secrets,
  '/configmaps': configMaps,
  '/serviceaccounts': serviceAccounts,
  'coordination.k8s.io/leases': leases,
  'apps/deployments': deployments,
  'apps/daemonsets': daemonSets,
  'policy/poddisruptionbudgets': podDisruptionBudgets,
  'rbac.authorization.k8s.io/roles': roles,
  'rbac.authorization.k8s.io/clusterroles': roles,
  'rbac.authorization.k8s.io/rolebindings': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/clusterrolebindings': bindingPrinter('clusterRoleBinding'),
  'admissionregistration.k8s.io/validatingwebhookconfigurations': webhooks,
};
