/**
 * ironlb-controller: gives LoadBalancer Services their external IPs. With --leader-elect, replicas elect one active
 * controller through a coordination.k8s.io Lease; a standby starts from scratch (list, adopt, assign) when it wins,
 * and a leader that loses the Lease exits at once, so two replicas never write at the same time.
 */
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LEADER_ELECTION_TIMING, type LeaderElectionTiming } from '../leader/leaseRules';
import { LeaderElector } from '../leader/elector';
import { KubeClient, loadClusterAccess } from '@ironlb/shared/k8s';
import { ClusterApi } from './clusterApi';
import { ensureHeartbeatSecret } from './heartbeatSecret';
import { COMPONENT, errorText, log, LOG_LEVELS, type LogLevel } from './log';
import { serveDaemonPort } from '@ironlb/shared';
import { Reconciler } from './reconciler';

interface Options {
  kubeconfig?: string;
  namespace: string;
  lbClass: string;
  leaderElect: boolean;
  leaderElectLeaseName: string;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  metricsPort: number;
  logLevel: LogLevel;
  webhookPort: number;
  webhookService: string;
  webhookConfig: string;
  webhookSecret: string;
  webhookCertManager: boolean;
}

/** MetalLB's metrics port, so a scrape config or probe written for it finds ours. */
export const DEFAULT_METRICS_PORT = 7472;
/** controller-runtime's webhook port, which MetalLB's controller serves on too. */
export const DEFAULT_WEBHOOK_PORT = 9443;

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port (0-65535)`);
  return n;
}

function timingOf(o: Options): LeaderElectionTiming {
  const t = {
    leaseDurationMs: o.leaderElectLeaseDuration * 1000,
    renewDeadlineMs: o.leaderElectRenewDeadline * 1000,
    retryPeriodMs: o.leaderElectRetryPeriod * 1000,
  };
  if (!(t.retryPeriodMs < t.renewDeadlineMs && t.renewDeadlineMs < t.leaseDurationMs)) {
    throw new Error(
      '--leader-elect-retry-period must be shorter than --leader-elect-renew-deadline, ' +
        'and that shorter than --leader-elect-lease-duration',
    );
  }
  return t;
}

export function parseOptions(argv: readonly string[]): Options {
  const s = (ms: number): string => String(ms / 1000);
  return new Command()
    .name(COMPONENT)
    .option('--kubeconfig <file>', 'kubeconfig file; in-cluster config when absent')
    .option('--namespace <ns>', 'namespace of the config objects and the Lease', 'ironlb-system')
    .option('--lb-class <class>', 'spec.loadBalancerClass served', 'ironlb.io/ironlb')
    .option('--leader-elect', 'elect one active replica through a Lease', false)
    .option('--leader-elect-lease-name <name>', 'name of the Lease', COMPONENT)
    .option(
      '--leader-elect-lease-duration <s>',
      'seconds a standby waits on an unrenewed Lease',
      seconds,
      seconds(s(DEFAULT_LEADER_ELECTION_TIMING.leaseDurationMs)),
    )
    .option(
      '--leader-elect-renew-deadline <s>',
      'seconds the leader acts without renewing',
      seconds,
      seconds(s(DEFAULT_LEADER_ELECTION_TIMING.renewDeadlineMs)),
    )
    .option(
      '--leader-elect-retry-period <s>',
      'seconds between election rounds',
      seconds,
      seconds(s(DEFAULT_LEADER_ELECTION_TIMING.retryPeriodMs)),
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics (/metrics) and the probes (/healthz, /readyz) on this port (0: any free port, logged)',
      port,
      DEFAULT_METRICS_PORT,
    )
    .option(
      '--webhook-port <port>',
      'serve the validating webhook (HTTPS, POST /validate) on this port (0: off)',
      port,
      DEFAULT_WEBHOOK_PORT,
    )
    .option(
      '--webhook-service <name>',
      'the Service the API server reaches the webhook by (the certificate names it)',
      'ironlb-webhook',
    )
    .option(
      '--webhook-config <name>',
      'the ValidatingWebhookConfiguration whose caBundles are kept equal to our CA',
      'ironlb-validating',
    )
    .option(
      '--webhook-secret <name>',
      'the Secret holding the webhook CA and serving certificate',
      'ironlb-webhook-cert',
    )
    .option(
      '--webhook-cert-manager',
      'cert-manager makes the Secret and injects the CA: generate and patch nothing',
      false,
    )
    .addOption(new Option('--log-level <level>', 'least severe log lines written').choices(LOG_LEVELS).default('info'))
    .parse([...argv])
    .opts<Options>();
}

export async function main(argv: readonly string[]): Promise<void> {
  const opts = parseOptions(argv);
  log.level = opts.logLevel;
  const api = new ClusterApi(new KubeClient(loadClusterAccess(opts.kubeconfig)), opts.namespace);
  const reconciler = new Reconciler(api, opts.lbClass);
  log.info({ namespace: opts.namespace, lbClass: opts.lbClass, leaderElect: opts.leaderElect }, 'starting');
  void ensureHeartbeatSecret(api, log);
  if (opts.webhookPort !== 0) {
    const webhook = {
      port: opts.webhookPort,
      service: opts.webhookService,
      config: opts.webhookConfig,
      secret: opts.webhookSecret,
      certManager: opts.webhookCertManager,
    };
    // Loaded only when on: the X.509 library and its ASN.1 schemas cost memory a controller without a webhook keeps.
    import('../webhook/run')
      .then(({ runWebhook }) => runWebhook(webhook, api.client, api, log))
      .catch((e: unknown) => {
        // Without its webhook the API server refuses (failurePolicy Fail) or skips checks: no silent half-controller.
        log.fatal({ err: errorText(e) }, 'the validating webhook failed');
        process.exit(1);
      });
  }
  // Ready once its first pass is over (the leader), or once it has seen who leads (a standby: it has reached the
  // API server and waits; a rollout must not wait for it to win).
  let leading = false;
  let standingBy = false;
  const notReady = (): string | undefined => {
    if (standingBy) return undefined;
    if (opts.leaderElect && !leading) return 'waiting for the leader election Lease';
    return reconciler.notReady();
  };
  // A standby serves its metrics too: its zeros say it is not the one assigning.
  serveDaemonPort(reconciler.metrics.registry, opts.metricsPort, log, notReady);

  const identity = `${os.hostname()}_${randomBytes(4).toString('hex')}`;
  const elector = opts.leaderElect
    ? new LeaderElector(api.leaseStore(opts.leaderElectLeaseName), identity, timingOf(opts), Date.now, {
        onStartedLeading: () => {
          leading = true;
          standingBy = false;
          log.info({ identity }, 'became leader');
          void reconciler.start();
        },
        onStoppedLeading: (reason) => {
          // The Lease may already be another replica's: every write from here on could contradict the new leader.
          log.fatal({ identity, reason }, 'lost leadership; exiting');
          process.exit(1);
        },
        onLeaderSeen: (holder) => {
          standingBy = !leading;
          log.info({ identity, leader: holder }, 'standing by');
        },
      })
    : undefined;
  const shutdown = (): void => {
    void reconciler
      .stop()
      .then(() => elector?.release())
      .catch((e: unknown) => log.error({ err: errorText(e) }, 'releasing the Lease failed'))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (elector) elector.start();
  else await reconciler.start();
}

/** The command's entry point (bin/ironlb-controller.js); a stray rejection is logged, never fatal. */
export function run(argv: readonly string[]): void {
  process.on('unhandledRejection', (e: unknown) => log.error({ err: errorText(e) }, 'unhandled rejection'));
  main(argv).catch((e: unknown) => {
    log.fatal({ err: errorText(e) }, 'controller failed');
    process.exit(1);
  });
}
