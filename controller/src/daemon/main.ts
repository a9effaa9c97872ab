/**
 * ironlb-controller: watches Services, Namespaces and IPAddressPools and gives LoadBalancer Services their external
 * IPs. A thin I/O shell around the pure pieces (parseConfig, serviceRequestOf, Allocator, outcomeOf): it reads the
 * objects, feeds them in, and writes back only what outcomeOf asks for. No API error stops it: each failed step is
 * logged and tried again later, because an API server that goes away comes back.
 */
import { Command } from 'commander';
import pino from 'pino';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Namespace,
  type V1Service,
} from '@kubernetes/client-node';
import { formatConfigError, parseConfig } from '../config/parse';
import { Allocator, parseIP, type IPAddress } from '../ipam';
import { currentIngressIPs, invalidServiceEvent, outcomeOf, type ServiceEvent } from '../service/outcome';
import { serviceRequestOf } from '../service/request';

const GROUP = 'ironlb.io';
const VERSION = 'v1beta1';
const POOLS = 'ipaddresspools';
const COMPONENT = 'ironlb-controller';
const RETRY_MS = 2_000;

interface Options {
  kubeconfig?: string;
  namespace: string;
  lbClass: string;
}

const log = pino({ name: COMPONENT });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

class Controller {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private allocator = new Allocator(parseConfig([]).config);
  private readonly services = new Map<string, V1Service>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  /** The last Events sent per Service, so a resync that reaches the same verdict does not repeat them. */
  private readonly lastEvents = new Map<string, string>();
  private readonly queue = new Set<string>();
  private draining = false;
  private informers: Informer<KubernetesObject>[] = [];

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: Options,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  private async listPools(): Promise<KubernetesListObject<KubernetesObject>> {
    const list: unknown = await this.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.opts.namespace,
      plural: POOLS,
    });
    return list as KubernetesListObject<KubernetesObject>;
  }

  private loadConfig(pools: readonly KubernetesObject[]): void {
    const { config, errors } = parseConfig(pools);
    for (const e of errors) log.error({ pool: e.object, field: e.field }, formatConfigError(e));
    for (const s of this.allocator.updateConfig(config)) {
      log.warn({ service: s.key }, `keeps an address the config no longer allows: ${s.reason}`);
    }
    log.info({ pools: [...config.pools.keys()] }, 'config loaded');
  }

  /** The first pass: every address already shown is adopted before anything new is handed out, so a restart moves no IP. */
  async startup(): Promise<void> {
    for (;;) {
      try {
        const pools = await this.listPools();
        const namespaces = await this.core.listNamespace();
        const services = await this.core.listServiceForAllNamespaces();
        this.loadConfig(pools.items);
        for (const ns of namespaces.items) this.setNamespace(ns);
        // Oldest first, so when two shown addresses clash the Service that had it first keeps it, deterministically.
        const sorted = [...services.items].sort(
          (a, b) =>
            (a.metadata?.creationTimestamp?.getTime() ?? 0) - (b.metadata?.creationTimestamp?.getTime() ?? 0) ||
            keyOf(a).localeCompare(keyOf(b)),
        );
        for (const svc of sorted) {
          this.services.set(keyOf(svc), svc);
          this.adopt(svc);
        }
        for (const svc of sorted) this.enqueue(keyOf(svc));
        break;
      } catch (e) {
        log.error({ err: errorText(e) }, 'initial list failed; retrying');
        await sleep(RETRY_MS);
      }
    }
    await this.drain();
    this.startInformers();
  }

  private adopt(svc: V1Service): void {
    const shown = currentIngressIPs(svc.status);
    if (shown.length === 0) return;
    const req = serviceRequestOf(svc, this.labelsFor(svc), { lbClass: this.opts.lbClass });
    if (req.kind !== 'request') return;
    const ips = shown.map(parseIP);
    if (ips.some((ip) => ip === undefined)) {
      log.warn({ service: keyOf(svc), shown }, 'status shows an unparsable address; not adopted');
      return;
    }
    const r = this.allocator.adopt(req.request, ips as IPAddress[]);
    if (r.ok) log.info({ service: keyOf(svc), ips: shown }, 'adopted');
    else log.warn({ service: keyOf(svc), ips: shown }, `not adopted: ${r.reason}`);
  }

  private labelsFor(svc: V1Service): Record<string, string> {
    return this.namespaceLabels.get(svc.metadata?.namespace ?? '') ?? {};
  }

  private setNamespace(ns: V1Namespace): void {
    this.namespaceLabels.set(ns.metadata?.name ?? '', { ...(ns.metadata?.labels ?? {}) });
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (const key of this.queue) {
        this.queue.delete(key);
        try {
          await this.reconcile(key);
        } catch (e) {
          log.error({ service: key, err: errorText(e) }, 'reconcile failed; retrying');
          setTimeout(() => this.enqueue(key), RETRY_MS);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async reconcile(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc) {
      const freed = this.allocator.release(key);
      if (freed.length) log.info({ service: key }, 'released');
      this.lastEvents.delete(key);
      return;
    }
    const req = serviceRequestOf(svc, this.labelsFor(svc), { lbClass: this.opts.lbClass });
    if (req.kind === 'ignore') {
      this.allocator.release(key);
      this.lastEvents.delete(key);
      return;
    }
    if (req.kind === 'invalid') {
      this.allocator.release(key);
      await this.emit(svc, [invalidServiceEvent(req.field, req.message)]);
      return;
    }
    const result = this.allocator.assign(req.request);
    const outcome = outcomeOf(key, result, currentIngressIPs(svc.status));
    if (outcome.ingress !== undefined) {
      await this.core.patchNamespacedServiceStatus(
        {
          name: svc.metadata?.name ?? '',
          namespace: svc.metadata?.namespace ?? '',
          body: { status: { loadBalancer: { ingress: outcome.ingress } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      log.info({ service: key, ingress: outcome.ingress.map((i) => i.ip) }, 'status written');
    }
    await this.emit(svc, outcome.events);
  }

  private async emit(svc: V1Service, events: readonly ServiceEvent[]): Promise<void> {
    const key = keyOf(svc);
    if (events.length === 0) return;
    const signature = events.map((e) => `${e.type}/${e.reason}/${e.message}`).join('\n');
    if (this.lastEvents.get(key) === signature) return;
    for (const e of events) {
      (e.type === 'Warning' ? log.warn : log.info).call(log, { service: key, reason: e.reason }, e.message);
      await this.core.createNamespacedEvent({ namespace: svc.metadata?.namespace ?? '', body: this.eventFor(svc, e) });
    }
    this.lastEvents.set(key, signature);
  }

  private eventFor(svc: V1Service, e: ServiceEvent): CoreV1Event {
    const now = new Date();
    const name = svc.metadata?.name ?? '';
    return {
      metadata: {
        name: `${name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0x10000).toString(16)}`,
        namespace: svc.metadata?.namespace,
      },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Service',
        name,
        namespace: svc.metadata?.namespace,
        uid: svc.metadata?.uid,
        resourceVersion: svc.metadata?.resourceVersion,
      },
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
  }

  private reassignAll(): void {
    for (const key of this.services.keys()) this.enqueue(key);
  }

  private startInformers(): void {
    const services = makeInformer<V1Service>(this.kc, '/api/v1/services', () =>
      this.core.listServiceForAllNamespaces(),
    );
    const onService = (svc: V1Service): void => {
      this.services.set(keyOf(svc), svc);
      this.enqueue(keyOf(svc));
    };
    services.on('add', onService);
    services.on('update', onService);
    services.on('delete', (svc: V1Service) => {
      this.services.delete(keyOf(svc));
      this.enqueue(keyOf(svc));
    });

    const namespaces = makeInformer<V1Namespace>(this.kc, '/api/v1/namespaces', () => this.core.listNamespace());
    const onNamespace = (ns: V1Namespace): void => {
      this.setNamespace(ns);
      // Pool selectors may match namespace labels, so the Services there are re-checked.
      for (const [key, svc] of this.services) if (svc.metadata?.namespace === ns.metadata?.name) this.enqueue(key);
    };
    namespaces.on('add', onNamespace);
    namespaces.on('update', onNamespace);

    const pools = makeInformer<KubernetesObject>(
      this.kc,
      `/apis/${GROUP}/${VERSION}/namespaces/${this.opts.namespace}/${POOLS}`,
      () => this.listPools(),
    );
    const cache = new Map<string, KubernetesObject>();
    const onPools = (): void => {
      this.loadConfig([...cache.values()]);
      this.reassignAll();
    };
    pools.on('add', (p: KubernetesObject) => (cache.set(keyOf(p), p), onPools()));
    pools.on('update', (p: KubernetesObject) => (cache.set(keyOf(p), p), onPools()));
    pools.on('delete', (p: KubernetesObject) => (cache.delete(keyOf(p)), onPools()));

    this.informers = [services, namespaces, pools] as Informer<KubernetesObject>[];
    for (const [name, inf] of [
      ['services', services],
      ['namespaces', namespaces],
      ['ipaddresspools', pools],
    ] as const) {
      // An informer stops on a watch error; start it again after a pause so a lost API server is survived.
      inf.on('error', (err: unknown) => {
        log.error({ informer: name, err: errorText(err) }, 'watch failed; restarting');
        setTimeout(() => void this.startInformer(name, inf), RETRY_MS);
      });
      void this.startInformer(name, inf);
    }
  }

  private async startInformer(name: string, inf: Informer<KubernetesObject>): Promise<void> {
    try {
      await inf.start();
      log.info({ informer: name }, 'watching');
    } catch (e) {
      log.error({ informer: name, err: errorText(e) }, 'informer start failed; retrying');
      setTimeout(() => void this.startInformer(name, inf), RETRY_MS);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.informers.map((i) => i.stop()));
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name(COMPONENT)
    .option('--kubeconfig <file>', 'kubeconfig file; in-cluster config when absent')
    .option('--namespace <ns>', 'namespace of the config objects', 'ironlb-system')
    .option('--lb-class <class>', 'spec.loadBalancerClass served', 'ironlb.io/ironlb')
    .parse([...argv]);
  const opts = program.opts<Options>();
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  log.info({ namespace: opts.namespace, lbClass: opts.lbClass }, 'starting');
  const controller = new Controller(kc, opts);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void controller.stop().finally(() => process.exit(0)));
  }
  await controller.startup();
}

/** The command's entry point (bin/ironlb-controller.js); a stray rejection is logged, never fatal. */
export function run(argv: readonly string[]): void {
  process.on('unhandledRejection', (e: unknown) => log.error({ err: errorText(e) }, 'unhandled rejection'));
  main(argv).catch((e: unknown) => {
    log.fatal({ err: errorText(e) }, 'controller failed');
    process.exit(1);
  });
}
