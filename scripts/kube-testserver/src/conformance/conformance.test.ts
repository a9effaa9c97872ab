import { startKubeServer, type KubeServer } from '../server';
import { loadCases, type RecordedCase } from './cases';
import { compareMasked, type Bindings, type KnownDifference } from './masked';
import { Replayer, type Answer } from './replay';

/**
 * Replays the 58 requests recorded against a real kube-apiserver v1.26.1 (fixtures/conformance here), in order, against
 * one fresh ironlb-kube, and compares every answer: status code, media type and the whole body under the recording's
 * masks (Status code, reason, message and causes included). ironlb-kube follows Kubernetes 1.35, as kubectl and helm
 * in the project do: where 1.35 answers differently from 1.26 the difference is listed below with its reason and,
 * wherever 1.35 has a definite answer, ours must be exactly that answer.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** An array item 1.35 answers with that the 1.26 recording lacks: ours must hold exactly this item, once. */
interface KnownAddition {
  /** The array, as a compareMasked path (`resources`). */
  path: string;
  item: unknown;
  why: string;
}

/** What an unmask step may use: the replaying client and the recorded request's path. */
interface ReplayContext {
  replayer: Replayer;
  path: string;
}

interface CaseRules {
  known?: KnownDifference[];
  additions?: KnownAddition[];
  /**
   * Values the recording left unmasked although they differ from run to run (a node port inside a message, Table
   * cells): the recorded answer with ours put in their place, once ours is checked to be a value of the same kind.
   */
  unmask?: (expected: Obj, actual: Obj, replay: ReplayContext) => Promise<Obj> | Obj;
  /** Either side's causes in a canonical order, for errors whose order the real server does not fix. */
  unordered?: boolean;
  /** The recording's clock had moved on by this case (managedFields entries are ordered by their times). */
  secondsLater?: number;
}

// ---- Kubernetes 1.35 answers that differ from the 1.26 recording ----------------------------------------------

const IP_MODE_WHY = '1.35 defaults ingress ipMode to VIP (LoadBalancerIPMode is GA); 1.26 has no ipMode';
const ipMode = (prefix = ''): KnownDifference => ({
  path: `${prefix}status.loadBalancer.ingress[*].ipMode`,
  why: IP_MODE_WHY,
  expected: 'VIP',
});

/** The Name column of every Table describes ObjectMeta.name, whose doc link moved in 1.27. */
const NAME_COLUMN: KnownDifference = {
  path: 'columnDefinitions[0].description',
  why: "ObjectMeta.name's doc comment links to the new names page since 1.27",
  expected:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

const INGRESS_IP_135 = 'Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const INGRESS_IP_WHY = '1.35 checks ingress IPs with IsValidIPForLegacyField, whose message carries examples';

/** Since 1.27 discovery fills singularName for every built-in resource (not for subresources). */
const SINGULAR_135: Record<string, string> = {
  bindings: 'binding',
  componentstatuses: 'componentstatus',
  configmaps: 'configmap',
  endpoints: 'endpoints',
  events: 'event',
  limitranges: 'limitrange',
  namespaces: 'namespace',
  nodes: 'node',
  persistentvolumeclaims: 'persistentvolumeclaim',
  persistentvolumes: 'persistentvolume',
  pods: 'pod',
  podtemplates: 'podtemplate',
  replicationcontrollers: 'replicationcontroller',
  resourcequotas: 'resourcequota',
  secrets: 'secret',
  serviceaccounts: 'serviceaccount',
  services: 'service',
};

function singularNames(c: RecordedCase): KnownDifference[] {
  const resources = (c.response.body as { resources: Array<{ name: string }> }).resources;
  return resources.flatMap((r, i) =>
    r.name in SINGULAR_135
      ? [{ path: `resources[${i}].singularName`, why: '1.27+ fills singularName', expected: SINGULAR_135[r.name] }]
      : [],
  );
}

const cases = loadCases();
const caseFile = (n: string): RecordedCase => {
  const c = cases.find((x) => x.file.startsWith(`${n}-`));
  if (!c) throw new Error(`no recorded case ${n}`);
  return c;
};

const RULES: Record<string, CaseRules> = {
  '015': { unmask: allocatedNodePortInMessage },
  '024': { known: [ipMode()] },
  '025': { known: [ipMode()] },
  '026': {
    known: [
      {
        path: 'message',
        why: INGRESS_IP_WHY,
        expected: `Service "acserver4-service" is invalid: status.loadBalancer.ingress[0].ip: ${INGRESS_IP_135}`,
      },
      { path: 'details.causes[0].message', why: INGRESS_IP_WHY, expected: INGRESS_IP_135 },
    ],
  },
  '027': { known: [ipMode()] },
  '028': { known: [ipMode()] },
  '029': { known: [ipMode()] },
  '030': { known: [ipMode()] },
  '050': { known: [ipMode('items[*].')] },
  '054': { known: [ipMode('items[*].')] },
  '055': { known: [NAME_COLUMN], unmask: runDependentCells },
  '056': { known: [NAME_COLUMN], unmask: runDependentCells },
  // kube-openapi validates schema properties in Go map order, so neither 1.26 nor 1.35 fixes the order of causes.
  '082': { unordered: true },
  '086': { known: [NAME_COLUMN], unmask: runDependentCells },
  '091': {
    known: singularNames(caseFile('091')),
    additions: [
      {
        path: 'resources',
        item: {
          name: 'pods/resize',
          singularName: '',
          namespaced: true,
          kind: 'Pod',
          verbs: ['get', 'patch', 'update'],
        },
        why: 'the in-place resize subresource exists since 1.33',
      },
    ],
  },
  '100': {
    known: [ipMode('events[*].object.')],
    // The recorded MODIFIED event lists the status entry first: its label patch came in a later second than the
    // status write (in 030 the two entries still share a second, main resource first).
    secondsLater: 60,
  },
};

// ---- run-dependent values the recording left unmasked ---------------------------------------------------------

const NODE_PORTS: [number, number] = [30000, 32767];
const isNodePort = (n: number): boolean => Number.isInteger(n) && n >= NODE_PORTS[0] && n <= NODE_PORTS[1];

/** 015: the duplicate's message names the node port the refused create had allocated (32596 when recorded). */
function allocatedNodePortInMessage(expected: Obj, actual: Obj): Obj {
  const causes = (isObj(actual.details) && Array.isArray(actual.details.causes) ? actual.details.causes : []) as Obj[];
  const ours = /^Duplicate value: (\d+)$/.exec(String(causes[0]?.message ?? ''))?.[1];
  if (ours === undefined || !isNodePort(Number(ours))) return expected;
  return JSON.parse(JSON.stringify(expected).split('Duplicate value: 32596').join(`Duplicate value: ${ours}`)) as Obj;
}

const AGE = /^(\d+[smhdy])+$/;
const IP_LIKE = /^[0-9a-fA-F.:]+$/;

/**
 * 055/056/086: Table cells carry cluster IPs, node ports and ages as text. The recorded cells get our object's
 * cluster IP and node ports (by port and protocol), and our age when it is an age, so the rest of each cell (ports,
 * protocols, their order and separators, `<pending>`, the selector) still has to match exactly.
 */
async function runDependentCells(expected: Obj, actual: Obj, replay: ReplayContext): Promise<Obj> {
  const columns = (Array.isArray(expected.columnDefinitions) ? expected.columnDefinitions : []) as Obj[];
  const col = (name: string): number => columns.findIndex((d) => d.name === name);
  const [clusterIP, ports, age] = [col('Cluster-IP'), col('Port(s)'), col('Age')];
  const rows = (Array.isArray(expected.rows) ? expected.rows : []) as Obj[];
  const actualRows = (Array.isArray(actual.rows) ? actual.rows : []) as Obj[];
  let ours = new Map<string, Obj>();
  if (clusterIP >= 0 || ports >= 0) {
    // Our objects as JSON (the Table rows carry metadata only): a read, so the replay's state stays as it was.
    const list = (await replay.replayer.send('GET', replay.path)).body as { items?: Obj[] };
    ours = new Map((list.items ?? []).map((o) => [keyOf(o), o]));
  }
  const out = clone(expected);
  ((out.rows ?? []) as Obj[]).forEach((row, i) => {
    const cells = row.cells as unknown[];
    const obj = ours.get(keyOf(rows[i].object as Obj));
    const spec = (isObj(obj?.spec) ? obj.spec : {}) as Obj;
    if (clusterIP >= 0 && IP_LIKE.test(String(cells[clusterIP])) && typeof spec.clusterIP === 'string') {
      cells[clusterIP] = spec.clusterIP;
    }
    if (ports >= 0) cells[ports] = withOurNodePorts(String(cells[ports]), spec);
    const ourAge = (actualRows[i]?.cells as unknown[] | undefined)?.[age];
    if (age >= 0 && typeof ourAge === 'string' && AGE.test(ourAge) && AGE.test(String(cells[age]))) cells[age] = ourAge;
  });
  return out;
}

const keyOf = (o: Obj): string => {
  const m = (isObj(o.metadata) ? o.metadata : {}) as Obj;
  return `${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
};

/** `9610:30936/TCP,8086:30337/TCP` with our node port for each port and protocol. */
function withOurNodePorts(cell: string, spec: Obj): string {
  const ports = (Array.isArray(spec.ports) ? spec.ports : []) as Obj[];
  return cell
    .split(',')
    .map((entry) => {
      const m = /^(\d+):(\d+)\/(\w+)$/.exec(entry);
      if (!m) return entry;
      const same = ports.find((p) => p.port === Number(m[1]) && (p.protocol ?? 'TCP') === m[3]);
      return typeof same?.nodePort === 'number' && isNodePort(same.nodePort)
        ? `${m[1]}:${same.nodePort}/${m[3]}`
        : entry;
    })
    .join(',');
}

// ---- order-free causes (082) -------------------------------------------------------------------------------------

/**
 * A Status whose causes come in no fixed order: causes sorted by field, and the message (`<prefix>: [<field>:
 * <message>, ...]`) rebuilt in that order, but only when it is exactly the join of its causes, so a wrong message
 * still shows.
 */
function canonicalCauses(status: Obj): Obj {
  const out = clone(status);
  const details = isObj(out.details) ? out.details : undefined;
  const causes = (details && Array.isArray(details.causes) ? details.causes : []) as Obj[];
  const join = (cs: Obj[]): string => `[${cs.map((c) => `${String(c.field)}: ${String(c.message)}`).join(', ')}]`;
  const message = String(out.message ?? '');
  const sorted = [...causes].sort((a, b) => String(a.field).localeCompare(String(b.field)));
  if (message.endsWith(`: ${join(causes)}`)) out.message = message.slice(0, -join(causes).length) + join(sorted);
  if (details) details.causes = sorted;
  return out;
}

// ---- the comparison ------------------------------------------------------------------------------------------------

/** Our answer without the items 1.35 adds, each checked to be there exactly once and as 1.35 answers it. */
function withoutAdditions(actual: unknown, additions: KnownAddition[], diffs: string[]): unknown {
  if (!additions.length || !isObj(actual)) return actual;
  const out = clone(actual);
  for (const a of additions) {
    const list = out[a.path];
    if (!Array.isArray(list)) {
      diffs.push(`${a.path}: expected an array holding ${JSON.stringify(a.item)} (${a.why})`);
      continue;
    }
    const hits = list.filter((x) => JSON.stringify(x) === JSON.stringify(a.item)).length;
    if (hits !== 1) diffs.push(`${a.path}: expected ${JSON.stringify(a.item)} once (${a.why}), found it ${hits} times`);
    out[a.path] = list.filter((x) => JSON.stringify(x) !== JSON.stringify(a.item));
  }
  return out;
}

const mediaType = (ct: string | null | undefined): string => (ct ?? '').split(';')[0].trim();

async function compare(c: RecordedCase, answer: Answer, replayer: Replayer): Promise<string[]> {
  const rules = RULES[c.file.slice(0, 3)] ?? {};
  const known = rules.known ?? [];
  const bindings: Bindings = new Map();
  const diffs: string[] = [];
  if (answer.status !== c.response.status) diffs.push(`status: expected ${c.response.status}, got ${answer.status}`);
  if (c.response.events) {
    diffs.push(...compareMasked(c.response.events, answer.events, bindings, known, 'events'));
    return diffs;
  }
  if (mediaType(c.response.contentType) !== mediaType(answer.contentType)) {
    diffs.push(`content-type: expected ${c.response.contentType}, got ${answer.contentType}`);
  }
  let expected = c.response.body;
  let actual = withoutAdditions(answer.body, rules.additions ?? [], diffs);
  if (rules.unmask && isObj(expected) && isObj(actual)) {
    expected = await rules.unmask(expected, actual, { replayer, path: c.request.path });
  }
  if (rules.unordered && isObj(expected) && isObj(actual)) {
    expected = canonicalCauses(expected);
    actual = canonicalCauses(actual);
  }
  diffs.push(...compareMasked(expected, actual, bindings, known));
  return diffs;
}

describe('replay of the kube-apiserver v1.26.1 recording', () => {
  let server: KubeServer;
  let replayer: Replayer;

  beforeAll(async () => {
    // Only Date is faked, so every write of the replay falls in one second unless a case says the recording's
    // clock had moved on: managedFields entries are ordered by their times in seconds.
    jest.useFakeTimers({
      now: new Date('2026-11-22T14:06:54Z'),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    server = await startKubeServer({ port: 0 });
    replayer = new Replayer(server.url);
  });

  afterAll(async () => {
    await server?.stop();
    jest.useRealTimers();
  });

  it('has all 58 recorded cases', () => {
    expect(cases).toHaveLength(58);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const later = RULES[c.file.slice(0, 3)]?.secondsLater;
    if (later) jest.setSystemTime(Date.now() + later * 1000);
    const answer = await replayer.replay(c);
    expect(await compare(c, answer, replayer)).toEqual([]);
  });
});
