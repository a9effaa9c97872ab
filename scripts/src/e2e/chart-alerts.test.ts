/**
 * The chart's PrometheusRule, checked and unit-tested by Prometheus' own `promtool`: the rules as `helm template`
 * renders them parse, and each alert fires (with its labels and annotations as a user's Alertmanager would get them)
 * exactly when its series say it should, and not before its `for` or below its threshold. The metric names are
 * the daemons' (chart-lab checks that the running daemons export every one of them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { helmPath, runCommand } from '@ironlb/kube-testserver';
import { CHART } from '../testing/helmLab';

const PROMTOOL = '/usr/bin/promtool';

let dir = '';
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-alerts-'));
  const r = await runCommand([
    helmPath(),
    'template',
    'ironlb',
    CHART,
    '-n',
    'ironlb-system',
    '--set',
    'metrics.prometheusRule.enabled=true',
    '--show-only',
    'templates/prometheusrule.yaml',
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
  const rule = parse(r.stdout) as { spec: { groups: unknown[] } };
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Alert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: Alert[];
}

/** Runs `promtool test rules` on one test group; its output when it fails. */
async function promtoolTest(series: { series: string; values: string }[], alerts: AlertTest[]): Promise<string> {
  const file = path.join(dir, `test-${alerts[0].alertname}.yaml`);
  fs.writeFileSync(
    file,
    stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: series, alert_rule_test: alerts }],
    }),
  );
  const r = await runCommand([PROMTOOL, 'test', 'rules', file]);
  return r.code === 0 ? 'SUCCESS' : r.stdout + r.stderr;
}

const pool = (pod: string, inUse: string, total: string): { series: string; values: string }[] => [
  { series: `ironlb_allocator_addresses_in_use_total{pool="lab",pod="${pod}"}`, values: inUse },
  { series: `ironlb_allocator_addresses_total{pool="lab",pod="${pod}"}`, values: total },
];

test('promtool accepts the rules helm renders', async () => {
  const r = await runCommand([PROMTOOL, 'check', 'rules', path.join(dir, 'rules.yaml')]);
  expect(r.stdout + r.stderr).toContain('SUCCESS: 8 rules found');
  expect(r.code).toBe(0);
});

test("pool usage alerts read the leader's numbers (a standby exports zeros) and fire at their thresholds after 5m", async () => {
  const usage = (level: string, value: string, severity: string): Alert => ({
    exp_labels: { pool: 'lab', severity },
    exp_annotations: {
      summary: `an address pool is over ${level}% used`,
      description: `Pool lab is ${value} used.`,
    },
  });
  // 44 of 50: 88 %, on the leader; the standby's zeros change nothing.
  const series = [...pool('leader', '44x10', '50x10'), ...pool('standby', '0x10', '0x10')];
  expect(
    await promtoolTest(series, [
      { eval_time: '4m', alertname: 'IronlbAddressPoolUsage75', exp_alerts: [] },
      { eval_time: '6m', alertname: 'IronlbAddressPoolUsage75', exp_alerts: [usage('75', '88%', 'info')] },
      { eval_time: '6m', alertname: 'IronlbAddressPoolUsage85', exp_alerts: [usage('85', '88%', 'warning')] },
      { eval_time: '6m', alertname: 'IronlbAddressPoolUsage95', exp_alerts: [] },
      { eval_time: '6m', alertname: 'IronlbAddressPoolExhausted', exp_alerts: [] },
    ]),
  ).toBe('SUCCESS');
});

test('a full pool is exhausted after 1m', async () => {
  const exhausted: Alert = {
    exp_labels: { pool: 'lab', severity: 'critical' },
    exp_annotations: {
      summary: 'an address pool is exhausted',
      description: 'Pool lab has no free address: new LoadBalancer Services get none.',
    },
  };
  expect(
    await promtoolTest(pool('leader', '49 50x10', '50x11'), [
      { eval_time: '1m', alertname: 'IronlbAddressPoolExhausted', exp_alerts: [] },
      { eval_time: '3m', alertname: 'IronlbAddressPoolExhausted', exp_alerts: [exhausted] },
    ]),
  ).toBe('SUCCESS');
});

test('config not loaded or stale for 5m, a BGP session down for 2m, a layer 2 conflict at once', async () => {
  const labels = { job: 'ironlb-speaker', pod: 'ironlb-speaker-abcde' };
  const sel = 'job="ironlb-speaker",pod="ironlb-speaker-abcde"';
  expect(
    await promtoolTest(
      [
        { series: `ironlb_k8s_client_config_loaded_bool{${sel}}`, values: '0x10' },
        { series: `ironlb_k8s_client_config_stale_bool{${sel}}`, values: '0 0 1x10' },
        { series: `ironlb_bgp_session_up{${sel},peer="router-v4"}`, values: '1 1 0x10' },
        { series: `ironlb_layer2_conflicts_total{${sel},ip="198.51.100.200"}`, values: '0 0 0 1x10' },
      ],
      [
        { eval_time: '4m', alertname: 'IronlbConfigNotLoaded', exp_alerts: [] },
        {
          eval_time: '5m',
          alertname: 'IronlbConfigNotLoaded',
          exp_alerts: [
            {
              exp_labels: { ...labels, severity: 'warning' },
              exp_annotations: {
                summary: "ironlb's config could not be loaded",
                description:
                  'ironlb-speaker on ironlb-speaker-abcde has not loaded its ironlb.io config for 5 minutes; its logs name the object.',
              },
            },
          ],
        },
        { eval_time: '6m', alertname: 'IronlbConfigStale', exp_alerts: [] },
        {
          eval_time: '7m',
          alertname: 'IronlbConfigStale',
          exp_alerts: [
            {
              exp_labels: { ...labels, severity: 'warning' },
              exp_annotations: {
                summary: 'ironlb runs on an old config',
                description:
                  'ironlb-speaker on ironlb-speaker-abcde has refused the latest ironlb.io config for 5 minutes and keeps the last good one.',
              },
            },
          ],
        },
        { eval_time: '3m', alertname: 'IronlbBGPSessionDown', exp_alerts: [] },
        {
          eval_time: '4m',
          alertname: 'IronlbBGPSessionDown',
          exp_alerts: [
            {
              exp_labels: { ...labels, peer: 'router-v4', severity: 'warning' },
              exp_annotations: {
                summary: 'a BGP session is down',
                description: 'The BGP session of ironlb-speaker-abcde to router-v4 has been down for 2 minutes.',
              },
            },
          ],
        },
        { eval_time: '2m', alertname: 'IronlbLayer2Conflict', exp_alerts: [] },
        {
          eval_time: '3m',
          alertname: 'IronlbLayer2Conflict',
          exp_alerts: [
            {
              exp_labels: { ...labels, ip: '198.51.100.200', severity: 'warning' },
              exp_annotations: {
                summary: 'another host answers for an ironlb address',
                description:
                  'ironlb-speaker-abcde saw another host answer ARP/NDP for an address it announces in the last 5 minutes.',
              },
            },
          ],
        },
        // Five minutes without a new conflict: resolved.
        { eval_time: '9m', alertname: 'IronlbLayer2Conflict', exp_alerts: [] },
      ],
    ),
  ).toBe('SUCCESS');
});
