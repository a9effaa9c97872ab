/**
 * charts/ironlb with the real helm v4 and kubectl v1.35 against ironlb-kube: lint, then `helm template` applied with
 * kubectl (both monitoring objects on, their CRDs from a stand-in fixture), and the daemons' flags it passes checked
 * against the daemons' own --help. The pods are not run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCommand, startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { daemonArgv } from '../testing/daemonCommand';
import { repoRoot } from '../tools';

const CHART = path.join(repoRoot, 'charts', 'ironlb');
const MONITORING_CRDS = path.join(repoRoot, 'scripts', 'fixtures', 'monitoring', 'crds.yaml');
const NS = 'ironlb-system';
const MONITORING = ['--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.prometheusRule.enabled=true'];

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

describe('helm lint', () => {
  // The one INFO line is helm's wish for an icon URL, which ironlb does not have.
  const clean = `==> Linting ${CHART}\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 chart(s) failed\n`;

  it('is clean with the default values', async () => {
    expect(await c.helmOk(['lint', CHART])).toBe(clean);
  });

  it('is clean with the ServiceMonitor and the PrometheusRule enabled', async () => {
    expect(await c.helmOk(['lint', CHART, ...MONITORING])).toBe(clean);
  });

  it('is clean with the webhook certificate from cert-manager, and with no webhook', async () => {
    expect(await c.helmOk(['lint', CHART, '--set', 'webhook.certManager.enabled=true'])).toBe(clean);
    expect(await c.helmOk(['lint', CHART, '--set', 'webhook.enabled=false'])).toBe(clean);
  });
});

describe('helm template applied with kubectl', () => {
  it('creates every object of the chart', async () => {
    await c.ok(['create', 'namespace', NS]);
    await c.ok(['apply', '-f', path.join(CHART, 'crds')]);
    await c.ok(['apply', '-f', MONITORING_CRDS]);
    const rendered = await c.helmOk(['template', 'ironlb', CHART, '--namespace', NS, ...MONITORING]);
    const applied = (await c.ok(['apply', '-f', '-'], rendered)).trim().split('\n').sort();
    expect(applied).toEqual([
      'clusterrole.rbac.authorization.k8s.io/ironlb-controller created',
      'clusterrole.rbac.authorization.k8s.io/ironlb-speaker created',
      'clusterrolebinding.rbac.authorization.k8s.io/ironlb-controller created',
      'clusterrolebinding.rbac.authorization.k8s.io/ironlb-speaker created',
      'daemonset.apps/ironlb-speaker created',
      'deployment.apps/ironlb-controller created',
      'poddisruptionbudget.policy/ironlb-controller created',
      'prometheusrule.monitoring.coreos.com/ironlb created',
      'role.rbac.authorization.k8s.io/ironlb-controller created',
      'role.rbac.authorization.k8s.io/ironlb-speaker created',
      'rolebinding.rbac.authorization.k8s.io/ironlb-controller created',
      'rolebinding.rbac.authorization.k8s.io/ironlb-speaker created',
      'service/ironlb-controller-metrics created',
      'service/ironlb-speaker-metrics created',
      'service/ironlb-webhook created',
      'serviceaccount/ironlb-controller created',
      'serviceaccount/ironlb-speaker created',
      'servicemonitor.monitoring.coreos.com/ironlb created',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/ironlb-validating created',
    ]);
    // Applied again: nothing changes (what kubectl sends matches what the server kept, defaults included).
    const again = (await c.ok(['apply', '-f', '-'], rendered)).trim().split('\n');
    expect(again.filter((l) => !l.endsWith(' unchanged'))).toEqual([]);
  });

  it('gives the PrometheusRule the alerts on the metric names the daemons export', async () => {
    const rules = JSON.parse(
      await c.ok(['get', 'prometheusrule', 'ironlb', '-n', NS, '-o', 'jsonpath={.spec.groups[0].rules}']),
    ) as Array<{ alert: string; expr: string; for?: string; labels: { severity: string } }>;
    const inUse = 'max by (pool) (ironlb_allocator_addresses_in_use_total)';
    const total = 'max by (pool) (ironlb_allocator_addresses_total)';
    expect(rules.map((r) => [r.alert, r.expr, r.for ?? '', r.labels.severity])).toEqual([
      ['IronlbConfigNotLoaded', 'ironlb_k8s_client_config_loaded_bool == 0', '5m', 'warning'],
      ['IronlbConfigStale', 'ironlb_k8s_client_config_stale_bool == 1', '5m', 'warning'],
      ['IronlbAddressPoolExhausted', `${inUse} >= ${total}`, '1m', 'critical'],
      ['IronlbAddressPoolUsage75', `${inUse} / ${total} > 0.75`, '5m', 'info'],
      ['IronlbAddressPoolUsage85', `${inUse} / ${total} > 0.85`, '5m', 'warning'],
      ['IronlbAddressPoolUsage95', `${inUse} / ${total} > 0.95`, '5m', 'critical'],
      ['IronlbBGPSessionDown', 'ironlb_bgp_session_up == 0', '2m', 'warning'],
      ['IronlbLayer2Conflict', 'increase(ironlb_layer2_conflicts_total[5m]) > 0', '', 'warning'],
    ]);
  });

  it('points the ServiceMonitor at both metrics Services', async () => {
    const selector = JSON.parse(
      await c.ok(['get', 'servicemonitor', 'ironlb', '-n', NS, '-o', 'jsonpath={.spec.selector.matchLabels}']),
    ) as Record<string, string>;
    const labels = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    expect(await c.ok(['get', 'svc', '-n', NS, '-l', labels, '-o', 'name'])).toBe(
      'service/ironlb-controller-metrics\nservice/ironlb-speaker-metrics\n',
    );
  });
});

describe('the daemons started as the chart starts them', () => {
  const BINS: Record<string, string> = {
    'ironlb-controller': path.join(repoRoot, 'controller', 'bin', 'ironlb-controller.js'),
    'ironlb-speaker': path.join(repoRoot, 'speaker', 'bin', 'ironlb-speaker.js'),
  };
  interface Container {
    command: string[];
    args: string[];
  }

  /** Every container's command and args in the rendered chart, by its command. */
  async function containers(values: string[]): Promise<Container[]> {
    const rendered = await c.helmOk(['template', 'ironlb', CHART, '--namespace', NS, ...values]);
    return parseAllDocuments(rendered)
      .map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: Container[] } } } })
      .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
      .flatMap((o) => o.spec?.template?.spec?.containers ?? []);
  }

  it.each([
    ['the default values', []],
    [
      'no dataplane, MD5, no BGP listener',
      ['--set', 'speaker.dataplane=none', '--set', 'speaker.bgpMD5=true', '--set', 'speaker.bgpPort=0'],
    ],
    ['the webhook certificate from cert-manager', ['--set', 'webhook.certManager.enabled=true']],
    ['no webhook', ['--set', 'webhook.enabled=false']],
  ])('passes only flags the daemons have, with %s', async (_, values) => {
    const found = await containers(values);
    expect(found.map((x) => x.command).sort()).toEqual([['ironlb-controller'], ['ironlb-speaker']]);
    for (const { command, args } of found) {
      const help = await runCommand([...daemonArgv(BINS[command[0]]), '--help']);
      expect(help.code).toBe(0);
      const flags = args.map((a) => a.replace(/=.*$/, ''));
      expect(flags.filter((f) => !new RegExp(`^  ${f}\\b`, 'm').test(help.stdout))).toEqual([]);
    }
  });

  it("offers the speaker's own --dataplane choices", async () => {
    const help = (await runCommand([...daemonArgv(BINS['ironlb-speaker']), '--help'])).stdout.replace(/\s+/g, ' ');
    const choices = /--dataplane <backend> [^(]*\([^)]*\) \(choices: ([^)]*), default: "auto"\)/.exec(help)?.[1];
    const schema = JSON.parse(fs.readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as {
      properties: { speaker: { properties: { dataplane: { enum: string[] } } } };
    };
    expect(choices).toBe(schema.properties.speaker.properties.dataplane.enum.map((c) => `"${c}"`).join(', '));
  });
});
