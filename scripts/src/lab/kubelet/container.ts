/**
 * How the lab kubelet runs one container of a pod as a process: the image's command resolved to the repo's own
 * binaries (the image holds exactly these, see the Dockerfile), the args with Kubernetes' $(VAR) expansion, the
 * environment with its fieldRefs resolved, and the security context as setpriv applies it (user, group, the
 * capability bounding set, no_new_privs). Pure.
 */
import { LabKubeletError, type Container, type SecurityContext } from './objects';

/** What the lab knows of the one image it runs. */
export interface LabImage {
  /** The repository the chart names, without a tag. */
  repository: string;
  /** ENTRYPOINT of the Dockerfile. */
  entrypoint: string[];
  /** USER of the Dockerfile. */
  user: { uid: number; gid: number };
  /** Program names in the image's PATH, and the file each is in the repo. */
  bins: Record<string, string>;
}

/** The pod facts a container's fieldRefs can read. */
export interface PodFacts {
  name: string;
  namespace: string;
  uid: string;
  nodeName: string;
  serviceAccountName: string;
  hostIP: string;
  podIP: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerProcess {
  /** The program (a bin's path) and its arguments. */
  argv: string[];
  /** The container's own variables (the kubelet's, such as KUBECONFIG, are added by the caller). */
  env: Record<string, string>;
  uid: number;
  gid: number;
  /** Capabilities in the bounding set, lower case without CAP_ (setpriv's spelling). */
  capabilities: string[];
  noNewPrivileges: boolean;
}

/** containerd's default capability set, what a container keeps unless its securityContext drops it. */
export const RUNTIME_DEFAULT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

/** Kubernetes' expansion of $(VAR) in command, args and env values: $$ escapes, an unknown name stays as written. */
export function expand(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : match;
  });
}

const FIELD_LABEL = /^metadata\.(labels|annotations)\['([^']+)'\]$/;

export function fieldValue(fieldPath: string, pod: PodFacts): string | undefined {
  const simple: Record<string, string> = {
    'metadata.name': pod.name,
    'metadata.namespace': pod.namespace,
    'metadata.uid': pod.uid,
    'spec.nodeName': pod.nodeName,
    'spec.serviceAccountName': pod.serviceAccountName,
    'status.hostIP': pod.hostIP,
    'status.podIP': pod.podIP,
  };
  if (Object.prototype.hasOwnProperty.call(simple, fieldPath)) return simple[fieldPath];
  const m = FIELD_LABEL.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.labels : pod.annotations)[m[2]] ?? '';
  return undefined;
}

function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** The effective capabilities' names: the runtime's default set, less drop, plus add (ALL in either). */
export function capabilitySet(sc: SecurityContext): string[] {
  const norm = (c: string): string => c.toUpperCase().replace(/^CAP_/, '');
  const drop = (sc.capabilities?.drop ?? []).map(norm);
  const add = (sc.capabilities?.add ?? []).map(norm);
  const kept = drop.includes('ALL') ? [] : RUNTIME_DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c));
  if (add.includes('ALL'))
    throw new LabKubeletError('capabilities.add: ALL is privileged, which ironlb never asks for');
  return [...new Set([...kept, ...add])].sort().map((c) => c.toLowerCase());
}

export function containerProcess(
  where: string,
  c: Container,
  podSecurity: SecurityContext,
  pod: PodFacts,
  image: LabImage,
): ContainerProcess {
  const fail = (field: string, why: string): never => {
    throw new LabKubeletError(`${where}: containers[${c.name}].${field}: ${why}`);
  };
  if (repositoryOf(c.image) !== image.repository)
    fail('image', `the lab runs only ${image.repository} (from this repository), not ${c.image}`);
  const sc: SecurityContext = { ...podSecurity, ...c.securityContext };
  if (sc.privileged) fail('securityContext.privileged', 'the lab runs no privileged container');
  const env: Record<string, string> = {};
  for (const v of c.env) {
    if (v.fieldPath !== undefined) {
      const value = fieldValue(v.fieldPath, pod);
      if (value === undefined) fail(`env[${v.name}].valueFrom.fieldRef.fieldPath`, `unsupported: ${v.fieldPath}`);
      env[v.name] = value as string;
    } else env[v.name] = expand(v.value ?? '', env);
  }
  const command = (c.command ?? image.entrypoint).map((s) => expand(s, env));
  const args = (c.args ?? []).map((s) => expand(s, env));
  if (command.length === 0) fail('command', 'neither the container nor the image names a program');
  const program = command[0].startsWith('/') ? command[0].slice(command[0].lastIndexOf('/') + 1) : command[0];
  // Own names only: `toString` is not a program of the image.
  const bin = Object.prototype.hasOwnProperty.call(image.bins, program)
    ? image.bins[program]
    : fail('command', `${command[0]} is not in the image (it holds ${Object.keys(image.bins).join(', ')})`);
  const uid = sc.runAsUser ?? image.user.uid;
  const gid = sc.runAsGroup ?? (sc.runAsUser !== undefined ? 0 : image.user.gid);
  const capabilitiesOf = (context: SecurityContext): string[] => {
    try {
      return capabilitySet(context);
    } catch (e) {
      return fail('securityContext.capabilities', e instanceof Error ? e.message : String(e));
    }
  };
  if (sc.runAsNonRoot && uid === 0) fail('securityContext.runAsNonRoot', 'the container would run as root');
  return {
    argv: [bin, ...command.slice(1), ...args],
    env,
    uid,
    gid,
    capabilities: capabilitiesOf(sc),
    // The kubelet sets no_new_privs only when allowPrivilegeEscalation is false (unset lets a setuid binary escalate).
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
  };
}

/** The setpriv prefix that gives a process what the container runtime would: its ids, its capabilities, nnp. */
export function setprivArgv(p: Pick<ContainerProcess, 'uid' | 'gid' | 'capabilities' | 'noNewPrivileges'>): string[] {
  const caps = ['-all', ...p.capabilities.map((c) => `+${c}`)].join(',');
  return [
    'setpriv',
    `--reuid=${p.uid}`,
    `--regid=${p.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    `--bounding-set=${caps}`,
    ...(p.noNewPrivileges ? ['--no-new-privs'] : []),
    '--',
  ];
}
