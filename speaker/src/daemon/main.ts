/**
 * ironlb-speaker: one per node. `ironlb-speaker --kubeconfig <file> --node-name <name>` is all it needs; the rest
 * has defaults that work in the lab (which adds --register-node: no kubelet runs there). It keeps its node Lease,
 * exchanges UDP heartbeats with the other speakers, and runs the announcement modes (layer 2) the config asks for.
 */
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { errorText, KubeClient, loadClusterAccess } from '@ironlb/shared/k8s';
import { formatIP, HEARTBEAT_SECRET } from '@ironlb/shared';
import { BgpMode } from '../bgp/mode';
import { SecretPasswords } from '../bgp/passwords';
import type { PeerEdgeFactory } from '../bgp/peer/types';
import { interfacesWatcher } from '../l2/linkWatch';
import { localInterfaces } from '../l2/interfaces';
import { Layer2Mode } from '../l2/mode';
import { openPacketSocket } from '../l2/packetSocket';
import { DEFAULT_ANNOUNCE_TIMING } from '../l2/responder';
import { DEFAULT_PORT, INSECURE_KEY, UdpMembership, type HeartbeatKeys } from '../membership';
import { winner } from '../ranking';
import { ClusterCache } from './cache';
import { describeKeys, loadHeartbeatKeys, StartupError, watchHeartbeatKeys } from './heartbeatSecret';
import { DEFAULT_NODE_LEASE, NodeLease } from './nodeLease';
import { COMPONENT, ServiceEvents } from './serviceEvents';
import { Speaker } from './speaker';
import { DEFAULT_RESTART_TIME_SEC } from '../bgp/peer/edge';
import { startPeerEdges } from '../bgp/peer/edges';
import { DATAPLANE_CHOICES, type DataplaneChoice } from '../dataplane/choose';
import { startDataplane } from '../dataplane/start';
import { SpeakerApi } from './speakerApi';
import { speakerMetrics } from './metrics';

interface Options {
  kubeconfig?: string;
  nodeName: string;
  namespace: string;
  lbClass: string;
  memberlistPort: number;
  heartbeatSecret: string;
  insecureHeartbeats: boolean;
  bindAddress?: string[];
  registerNode: boolean;
  gratuitousCount: number;
  gratuitousIntervalMs: number;
  probeMs: number;
  metricsPort: number;
  logLevel: LogLevel;
  naSource: 'target' | 'link-local';
  bgpPort: number;
  bgpRestartTime: number;
  dataplane: DataplaneChoice;
  dataplaneResync: number;
  cleanup: boolean;
}

/**
 * What the speaker needs from the BGP peer edge module (sockets, FSM, adj-RIB-out, BFD): started once, it listens
 * on `listenPort` for passive sessions (0: does not listen) and hands incoming connections to the edge of the peer
 * they come from; `createEdge` makes one peer's edge; `close` stops listening once every edge is closed.
 */
export type PeerEdgesStarter = (opts: {
  readonly listenPort: number;
  readonly restartTimeSec: number;
  readonly log: typeof log;
}) => {
  readonly createEdge: PeerEdgeFactory;
  close(): Promise<void>;
};

/** The speaker's parts that are injected; BGP mode runs only when `peerEdges` is given. */
export interface MainDeps {
  readonly peerEdges?: PeerEdgesStarter;
}

/** How often a passwordSecret is read again (a rotated password reaches the next session), and after a failure. */
const PASSWORD_REFRESH_MS = 60_000;
const PASSWORD_RETRY_MS = 5_000;

const log = pino({ name: COMPONENT });

/** The levels --log-level takes; lines less severe than the chosen one are not written. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** MetalLB's metrics port, so a scrape config or probe written for it finds ours. */
export const DEFAULT_METRICS_PORT = 7472;

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`"${value}" is not an integer ${range}`);
    }
    return n;
  };
}

export function parseOptions(argv: readonly string[]): Options {
  return new Command()
    .name(COMPONENT)
    .requiredOption('--node-name <name>', 'the Node this speaker runs on')
    .option('--kubeconfig <file>', 'kubeconfig file; in-cluster config when absent')
    .option('--namespace <ns>', 'namespace of the config objects, node Leases and ServiceL2Status', 'ironlb-system')
    .option('--lb-class <class>', 'spec.loadBalancerClass served', 'ironlb.io/ironlb')
    .option('--memberlist-port <port>', 'UDP port of the heartbeats between speakers', integer(1), DEFAULT_PORT)
    .option(
      '--heartbeat-secret <name>',
      'Secret in --namespace with the heartbeat key (data "key", optional "acceptKey"); ironlb-controller creates it',
      HEARTBEAT_SECRET,
    )
    .option(
      '--insecure-heartbeats',
      'run without a heartbeat key: anyone who can reach the heartbeat port can speak for a node (tests only)',
      false,
    )
    .option('--bind-address <ip...>', "addresses the heartbeats use (default: the node's addresses)")
    .option(
      '--register-node',
      'create the Node object when no kubelet has (labs and demos only: in a cluster the kubelet does, and the RBAC forbids it)',
      false,
    )
    .option(
      '--gratuitous-count <n>',
      'gratuitous ARPs / unsolicited NAs sent on takeover',
      integer(1),
      DEFAULT_ANNOUNCE_TIMING.gratuitousCount,
    )
    .option(
      '--gratuitous-interval-ms <ms>',
      'spacing of those announcements',
      integer(1),
      DEFAULT_ANNOUNCE_TIMING.gratuitousIntervalMs,
    )
    .option(
      '--probe-ms <ms>',
      'how long a newly won IP is probed for another owner before it is answered',
      integer(0),
      DEFAULT_ANNOUNCE_TIMING.probeMs,
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics (/metrics) and the probes (/healthz, /readyz) on this port (0: any free port, logged)',
      integer(0, 65535),
      DEFAULT_METRICS_PORT,
    )
    .addOption(new Option('--log-level <level>', 'least severe log lines written').choices(LOG_LEVELS).default('info'))
    .addOption(
      new Option('--na-source <source>', 'IPv6 source of Neighbor Advertisements: the VIP, or the link-local address')
        .choices(['target', 'link-local'])
        .default(DEFAULT_ANNOUNCE_TIMING.naSource),
    )
    .option(
      '--bgp-port <port>',
      'TCP port BGP sessions are accepted on, for routers that connect first (0: do not listen)',
      integer(0),
      179,
    )
    .option(
      '--bgp-restart-time <seconds>',
      "graceful restart time told to routers: how long they keep this node's routes while its speaker restarts, " +
        'and how long a dead node without BFD stays a next hop after the hold time (RFC 4724: at most 4095)',
      integer(1, 4095),
      DEFAULT_RESTART_TIME_SEC,
    )
    .addOption(
      new Option(
        '--dataplane <backend>',
        "rules from VIP:port to the Service's endpoints on this node; auto: none where kube-proxy's rules are found, " +
          'else nftables (iptables without nft)',
      )
        .choices(DATAPLANE_CHOICES)
        .default('auto'),
    )
    .option(
      '--dataplane-resync <seconds>',
      'rewrite every dataplane rule this often, whatever the last diff said',
      integer(1),
      300,
    )
    .option('--cleanup', 'on SIGTERM remove every dataplane rule of ours (a restart keeps them)', false)
    .parse([...argv])
    .opts<Options>();
}

/**
 * This process did not run for a while (a long GC, a starved CPU, SIGSTOP): not counted as its peers' silence, but
 * worth saying when it is long. At most one line per 10 s, with the stalls held back since.
 */
function stallLog(logger: typeof log): { note(ms: number): void } {
  const LONG_MS = 100;
  let lastAt = 0;
  let held = { count: 0, ms: 0 };
  return {
    note(ms) {
      if (ms < LONG_MS) return;
      held = { count: held.count + 1, ms: Math.max(held.ms, ms) };
      if (Date.now() - lastAt < 10_000) return;
      logger.warn(
        { stalls: held.count, longestMs: Math.round(held.ms) },
        "this speaker did not run for a while; that time is not counted as its peers' silence",
      );
      lastAt = Date.now();
      held = { count: 0, ms: 0 };
    },
  };
}

/** The node's own global addresses, IPv4 first: its Node's InternalIPs and where heartbeats are bound. */
function nodeAddresses(): string[] {
  const all = localInterfaces(os.networkInterfaces()).flatMap((i) => i.addresses.map((a) => a.ip));
  return all.sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1)).map(formatIP);
}

export async function main(argv: readonly string[], deps: MainDeps = {}): Promise<void> {
  const opts = parseOptions(argv);
  log.level = opts.logLevel;
  const api = new SpeakerApi(new KubeClient(loadClusterAccess(opts.kubeconfig)), opts.namespace);
  const node = opts.nodeName;
  const addresses = nodeAddresses();
  log.info({ node, namespace: opts.namespace, addresses }, 'starting');
  // The port is served first, so /healthz answers while the speaker waits for its key or its Node, and /readyz
  // says what it waits for.
  const metrics = speakerMetrics();
  let waitingFor = 'reading the heartbeat key';
  let notReady = (): string | undefined => waitingFor;
  metrics.serve(opts.metricsPort, log, () => notReady());

  // Before anything is created or bound: without a key there is nothing to run.
  const insecure: HeartbeatKeys = { sign: INSECURE_KEY, accept: [INSECURE_KEY] };
  const keys = opts.insecureHeartbeats ? insecure : await loadHeartbeatKeys(api, opts.heartbeatSecret, log);
  if (opts.insecureHeartbeats) log.warn('heartbeats are not authenticated (--insecure-heartbeats)');
  else log.info({ secret: `${opts.namespace}/${opts.heartbeatSecret}` }, `heartbeats ${describeKeys(keys)}`);

  if (opts.registerNode) {
    waitingFor = `registering the Node ${node}`;
    for (;;) {
      try {
        const r = await api.ensureNode(node, addresses);
        log.info({ node }, r === 'created' ? 'Node created (no kubelet registered it)' : 'Node exists');
        break;
      } catch (e) {
        log.error({ err: errorText(e) }, 'cannot read or create the Node; retrying');
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  }

  // Built in dependency order, so nothing is patched in later: the cache, then what reads it (Events, the modes),
  // then the loop. Peers and links report changes on `changes`, which the loop listens to.
  const changes = new EventEmitter();
  const cache = new ClusterCache();
  const events = new ServiceEvents(api, cache, log);
  waitingFor = 'starting the heartbeats, the modes and the dataplane';
  const stalls = stallLog(log);
  const membership = await UdpMembership.start({
    self: node,
    keys,
    onRejected: (reason) => metrics.heartbeatRejected(reason),
    addresses: opts.bindAddress ?? addresses.slice(0, 1),
    port: opts.memberlistPort,
    onChange: (c) => {
      for (const j of c.joined) log.info({ peer: j.node, why: j.why, ready: c.eligible.has(j.node) }, 'speaker alive');
      for (const l of c.left) log.warn({ peer: l.node, why: l.why }, 'speaker dead');
      const joined = new Set(c.joined.map((j) => j.node));
      for (const r of c.ready) if (!joined.has(r)) log.info({ peer: r }, 'speaker ready');
      for (const u of c.unready) log.info({ peer: u }, 'speaker not ready (restarted)');
      changes.emit('change');
    },
    onWarning: (m) => log.warn(m),
    onStall: (ms) => stalls.note(ms),
  });
  const layer2 = new Layer2Mode(
    node,
    openPacketSocket,
    {
      gratuitousCount: opts.gratuitousCount,
      gratuitousIntervalMs: opts.gratuitousIntervalMs,
      probeMs: opts.probeMs,
      naSource: opts.naSource,
    },
    winner,
    events,
    {
      answered: (ip) => metrics.l2Answered(ip),
      requested: (ip) => metrics.l2Requested(ip),
      gratuitous: (ip) => metrics.l2Gratuitous(ip),
      conflict: (ip) => metrics.l2Conflict(ip),
    },
    () => changes.emit('change'),
    log,
  );
  const peerEdges = deps.peerEdges?.({ listenPort: opts.bgpPort, restartTimeSec: opts.bgpRestartTime, log });
  if (!peerEdges) log.warn('BGP mode is not built into this speaker: BGPPeers and BGPAdvertisements are ignored');
  const bgp = peerEdges
    ? new BgpMode({
        createEdge: peerEdges.createEdge,
        passwords: new SecretPasswords({
          read: (namespace, name) => api.readSecret(name, namespace),
          namespace: opts.namespace,
          changed: () => changes.emit('change'),
          now: Date.now,
          refreshMs: PASSWORD_REFRESH_MS,
          retryMs: PASSWORD_RETRY_MS,
        }),
        changed: () => changes.emit('change'),
        sessions: (statuses) => metrics.bgpSessions(statuses),
        log,
      })
    : undefined;
  const dataplane = await startDataplane({
    choice: opts.dataplane,
    resyncSec: opts.dataplaneResync,
    node,
    lbClass: opts.lbClass,
    log,
    onApplied: (backend, s) => metrics.dataplaneApplied(backend, s),
    onFailed: (backend) => metrics.dataplaneFailed(backend),
  });
  const loop = new Speaker({
    api,
    self: node,
    lbClass: opts.lbClass,
    ...(dataplane ? { dataplane: dataplane.feed } : {}),
    liveness: {
      eligible: () => membership.eligible(),
      starting: () => membership.starting(),
      markReady: () => membership.markReady(),
      setPeers: (peers) =>
        membership.setPeers(
          [...peers].flatMap(([peer, ips]) => (ips.length > 0 ? [{ node: peer, address: ips[0] }] : [])),
        ),
      leaseObserved: (peer, renewTime) => membership.leaseObserved(peer, renewTime),
    },
    modes: bgp ? [layer2, bgp] : [layer2],
    cache,
    events,
    metrics,
    changes,
    log,
  });
  let table = localInterfaces(os.networkInterfaces());
  layer2.setInterfaces(table);
  bgp?.setInterfaces(table);
  const links = interfacesWatcher(() => {
    table = localInterfaces(os.networkInterfaces());
    layer2.setInterfaces(table);
    bgp?.setInterfaces(table);
    changes.emit('change');
  }, log);
  const lease = new NodeLease(api.nodeLease(node), node, DEFAULT_NODE_LEASE, () => table.length > 0, Date.now, log);
  const keyWatch = opts.insecureHeartbeats
    ? undefined
    : watchHeartbeatKeys(api, opts.heartbeatSecret, keys, log, (k) => membership.setKeys(k));
  lease.start();
  notReady = () => loop.notReady();
  loop.start();

  const shutdown = (): void => {
    lease.stop();
    links.close();
    // The peers take this node's IPs at its goodbye; each is answered here until its new owner probes for it (at
    // most a second), so a handover costs one probe window however long the peer takes to start probing.
    const leaving = membership.leave().catch(() => undefined);
    const handedOver = layer2.handOver();
    // BGP sessions end without a NOTIFICATION and without withdrawing: routers honouring graceful restart keep
    // forwarding to this node while it restarts.
    const bgpClosed = (bgp?.closeGracefully() ?? Promise.resolve()).then(() => peerEdges?.close());
    void Promise.all([leaving, handedOver, bgpClosed.catch(() => undefined)])
      .then(() => Promise.all([loop.stop(), keyWatch?.stop(), dataplane?.sync.stop(opts.cleanup)]))
      .finally(() => {
        layer2.close();
        process.exit(0);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** The command's entry point (bin/ironlb-speaker.js); a stray rejection is logged, never fatal. */
export function run(argv: readonly string[]): void {
  process.on('unhandledRejection', (e: unknown) => log.error({ err: errorText(e) }, 'unhandled rejection'));
  main(argv, { peerEdges: (o) => startPeerEdges(o) }).catch((e: unknown) => {
    if (e instanceof StartupError) process.stderr.write(`${e.message}\n`);
    log.fatal({ err: errorText(e) }, 'speaker failed');
    process.exit(1);
  });
}
