/**
 * startKubeServer: the programmatic entry point (tests run it in-process; the CLI wraps it). Wires storage, watch,
 * registry and the HTTP edge, and takes the three seams (strategies, patcher, presenter) as options.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHandler } from './http';
import { writeKubeconfig } from './kubeconfig';
import { Persister, loadData } from './persist';
import { ResourceTable } from './resources';
import { Registry } from './rest';
import type { Patcher, Presenter, StrategyProvider } from './seams';
import { DEFAULT_SERVICE_CIDRS, type StrategyOptions } from '../validation';
import { formatIP, parseCIDR } from '../validation/net';
import { Store } from './store';
import { selfSignedCert } from './tls';
import { WatchHub } from './watch';
import { fullPatcher, fullPresenter, fullStrategyProvider } from './wiring';
import { WebhookAdmission } from '../admission/dispatcher';
import type { WebhookDialer, WebhookResolver } from '../admission/resolve';

export type { Patcher, Presenter, StrategyProvider } from './seams';
export { Registry } from './rest';
export { Store } from './store';

export interface KubeServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  address?: string;
  /** Also listen on this Unix socket. */
  socketPath?: string;
  /** Write a kubeconfig for this server here. */
  kubeconfigOut?: string;
  /** Persist state in this file (loaded at start). */
  dataFile?: string;
  /** Serve HTTPS with a self-signed certificate (the kubeconfig carries it as CA). */
  tls?: boolean;
  /** Service CIDRs, dual-stack, node port range of the built-in strategies. */
  strategyOptions?: StrategyOptions;
  strategies?: StrategyProvider;
  patcher?: Patcher;
  presenter?: Presenter;
  /** Watch history length in events (older resourceVersions answer 410). */
  historySize?: number;
  bookmarkIntervalMs?: number;
  maxWatchBufferBytes?: number;
  persistIntervalMs?: number;
  /**
   * How validating webhooks' Services are reached before the endpoint resolver is asked (a test's webhook on
   * localhost); undefined from it falls back to the Service's EndpointSlices.
   */
  webhookResolver?: WebhookResolver;
  /** How a resolved webhook address is connected to (see WebhookDialer); undefined dials it. */
  webhookDialer?: WebhookDialer;
}

export interface KubeServer {
  url: string;
  port: number;
  kubeconfigPath?: string;
  socketPath?: string;
  store: Store;
  registry: Registry;
  /** Open watches (tests check slow consumers get dropped). */
  watchers(): number;
  /** Requests received since start, by listener (TCP, or the Unix socket); a watch counts once, when it opens. */
  requestCounts(): { tcp: number; unix: number };
  stop(): Promise<void>;
}

const BOOT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The first address of the primary service network (10.96.0.1 by default). */
function firstServiceAddress(options: StrategyOptions): string {
  const primary = options.serviceCIDRs?.[0] ?? DEFAULT_SERVICE_CIDRS.IPv4;
  const cidr = parseCIDR(primary);
  if (!cidr) throw new Error(`invalid service CIDR ${primary}`);
  return formatIP({ family: cidr.family, value: cidr.base + 1n });
}

/**
 * The `default/kubernetes` Service every cluster has (the apiserver's own, on the service network's first address):
 * `kubectl get svc` lists it and clients expect it.
 */
async function bootKubernetesService(
  registry: Registry,
  resources: ResourceTable,
  options: StrategyOptions = {},
): Promise<void> {
  const info = resources.lookup('', 'v1', 'services');
  if (!info || registry.store.get('services', 'default', 'kubernetes')) return;
  await registry.create(
    info,
    'default',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: firstServiceAddress(options),
        // The apiserver's reconciler writes the policy itself, so kube-apiserver owns it in managedFields (056).
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        sessionAffinity: 'None',
      },
    },
    { manager: 'kube-apiserver', dryRun: false, now: new Date() },
  );
}

export async function startKubeServer(opts: KubeServerOptions = {}): Promise<KubeServer> {
  const store = new Store();
  const loaded = opts.dataFile ? loadData(opts.dataFile) : undefined;
  if (loaded) store.load(loaded.resourceVersion, loaded.entries);
  const resources = new ResourceTable();
  const hub = new WatchHub(store, opts.historySize ?? 50_000);
  const registry = new Registry({
    store,
    resources,
    strategies: opts.strategies ?? fullStrategyProvider(opts.strategyOptions),
    patcher: opts.patcher ?? fullPatcher(),
    history: hub.history,
    admission: new WebhookAdmission(store, opts.webhookResolver, opts.webhookDialer),
  });
  registry.registerStoredCRDs();
  registry.restoreAll();
  const persister = opts.dataFile ? new Persister(store, opts.dataFile, opts.persistIntervalMs ?? 200) : undefined;

  const nsInfo = resources.lookup('', 'v1', 'namespaces');
  for (const name of BOOT_NAMESPACES) {
    if (nsInfo && !store.get('namespaces', undefined, name)) {
      await registry.create(
        nsInfo,
        undefined,
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { manager: 'kube-apiserver', dryRun: false, now: new Date() },
      );
    }
  }
  await bootKubernetesService(registry, resources, opts.strategyOptions);

  const handler = createHandler({
    registry,
    hub,
    presenter: opts.presenter ?? fullPresenter(),
    settings: {
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      maxBufferedBytes: opts.maxWatchBufferBytes ?? 64 * 1024 * 1024,
    },
  });
  const address = opts.address ?? '127.0.0.1';
  const cert = opts.tls ? selfSignedCert(address) : undefined;
  const server = cert ? https.createServer({ cert: cert.cert, key: cert.key }, handler) : http.createServer(handler);
  const counts = { tcp: 0, unix: 0 };
  server.on('request', () => counts.tcp++);
  // Watches are long requests; the defaults would cut them (and kubectl's keep-alive) short.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let socketServer: http.Server | undefined;
  if (opts.socketPath) {
    fs.rmSync(opts.socketPath, { force: true });
    socketServer = http.createServer(handler);
    socketServer.requestTimeout = 0;
    socketServer.on('request', () => counts.unix++);
    const sockPath = opts.socketPath;
    await new Promise<void>((resolve, reject) => {
      socketServer?.once('error', reject);
      socketServer?.listen(sockPath, () => resolve());
    });
  }
  const host =
    address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
  const url = `${cert ? 'https' : 'http'}://${host}:${port}`;
  if (opts.kubeconfigOut) writeKubeconfig(opts.kubeconfigOut, url, cert?.cert);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const closing = [server, socketServer].filter((s): s is http.Server | https.Server => s !== undefined);
      await Promise.all(
        closing.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      if (opts.socketPath) fs.rmSync(opts.socketPath, { force: true });
      await persister?.flush();
    })();
    return stopped;
  };
  return {
    url,
    port,
    kubeconfigPath: opts.kubeconfigOut,
    socketPath: opts.socketPath,
    store,
    registry,
    watchers: () => hub.watcherCount(),
    requestCounts: () => ({ ...counts }),
    stop,
  };
}
