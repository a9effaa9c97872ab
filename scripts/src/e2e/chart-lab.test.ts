/**
 * The chart's pods running: `helm install` into ironlb-kube with the lab kubelet running what the DaemonSet and the
 * Deployment ask for, as processes in a 2-node lab. Checks what only running pods show: the probes pass, each
 * process has exactly the user and capabilities the chart's securityContext gives (the speaker works with
 * NET_RAW alone when nothing needs more), the webhook is served by the controller's pod and called by the API
 * server with the caBundle the controller wrote, `helm upgrade` with a changed value replaces the speakers'
 * processes, and `helm uninstall` stops every one of them, by pid.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { kubeTools, type KubeServer } from '@ironlb/kube-testserver';
import { Lab } from '../lab/lab';
import { processSecurity } from '../lab/kubelet/capabilities';
import type { LabKubelet } from '../lab/kubelet/kubelet';
import { randomTestPrefix } from '../lab/names';
import { labTestGate } from '../lab/testGate';
import {
  helmInstallArgs,
  releasePodsReady,
  RELEASE_NAMESPACE,
  startLabKubelet,
  startLabKubeServer,
} from '../testing/helmLab';
import { KUBE_PORT } from '../testing/speakerLab';
import { until } from '../testing/controllerProcess';
import { CHART } from '../testing/helmLab';

const PREFIX = randomTestPrefix();
/** 2 speakers and the controller's 2 replicas. */
const PODS = 4;

interface ProcessView {
  uid: number;
  capabilities: string[];
  noNewPrivs: boolean;
  cmdline: string[];
}

function view(pid: number): ProcessView {
  const sec = processSecurity(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return {
    uid: sec.uid,
    capabilities: [...sec.effective].sort(),
    noNewPrivs: sec.noNewPrivs,
    cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
  };
}

/** GET /metrics through a Unix socket that reaches a pod's metrics port. */
function scrape(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: '/metrics' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const alive = (pid: number): boolean => {
  try {
    return /ironlb-(speaker|controller)/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
};

labTestGate('the chart in the lab (lab kubelet)', () => {
  let dir = '';
  let server: KubeServer | undefined;
  let kubelet: LabKubelet | undefined;
  let tools: ReturnType<typeof kubeTools>;
  const kubeServerUrl = (): string => server?.url ?? '';
  const logs = (): string => kubelet?.logs() ?? '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-chartlab-'));
    fs.chmodSync(dir, 0o711);
    const api = await startLabKubeServer(dir, () => kubelet);
    server = api.server;
    const { kubeconfig, socket } = api;
    tools = kubeTools(kubeconfig);
    const lab = await Lab.up({
      prefix: PREFIX,
      nodes: 2,
      router: 'none',
      ipv6: true,
      kubeSocket: socket,
      kubePort: KUBE_PORT,
    });
    kubelet = await startLabKubelet(lab, kubeconfig, socket, path.join(dir, 'kubelet'));
  }, 120_000);

  afterAll(async () => {
    await kubelet?.stop();
    await Lab.down(PREFIX);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const must = async (r: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> => {
    const done = await r;
    if (done.code !== 0) throw new Error(`${done.stderr}\n${logs()}`);
    return done.stdout;
  };
  const speakers = (): { pid: number; node: string; pod: string }[] =>
    (kubelet?.processes() ?? []).filter((p) => p.container === 'speaker');
  const controllers = (): { pid: number; node: string; pod: string }[] =>
    (kubelet?.processes() ?? []).filter((p) => p.container === 'controller');

  test('helm install runs a ready speaker per node and two controllers, each with only what the chart grants', async () => {
    await must(tools.helm(helmInstallArgs([])));
    await releasePodsReady(tools.kubectl, PODS, logs);
    expect(
      speakers()
        .map((s) => s.node)
        .sort(),
    ).toEqual(['node1', 'node2']);
    for (const s of speakers()) {
      const v = view(s.pid);
      // dataplane auto gives NET_ADMIN, BGP on port 179 NET_BIND_SERVICE; nothing else, and never privileged.
      expect(v).toMatchObject({ uid: 0, capabilities: ['net_admin', 'net_bind_service', 'net_raw'], noNewPrivs: true });
      expect(v.cmdline).toContain(`--node-name=${s.node}`);
    }
    expect(controllers()).toHaveLength(2);
    expect(new Set(controllers().map((c) => c.node)).size).toBe(2);
    for (const c of controllers()) {
      expect(view(c.pid)).toMatchObject({ uid: 65534, capabilities: [], noNewPrivs: true });
    }
    const ds = await must(tools.kubectl(['get', 'daemonset', 'ironlb-speaker', '-n', RELEASE_NAMESPACE]));
    expect(ds).toMatch(/ironlb-speaker\s+2\s+2\s+2\s+2\s+2\s/);
  }, 120_000);

  test("the running daemons export every metric the chart's PrometheusRule alerts on", async () => {
    const rendered = await must(
      tools.helm([
        'template',
        'ironlb',
        CHART,
        '--set',
        'metrics.prometheusRule.enabled=true',
        '--show-only',
        'templates/prometheusrule.yaml',
      ]),
    );
    const wanted = [...new Set(rendered.match(/ironlb_[a-z0-9_]+/g) ?? [])].sort();
    expect(wanted).toHaveLength(6);
    const pods = JSON.parse(await must(tools.kubectl(['get', 'pods', '-n', RELEASE_NAMESPACE, '-o', 'json']))) as {
      items: { status: { podIP: string } }[];
    };
    let exported = '';
    for (const p of pods.items) {
      const socket = kubelet?.socketFor(p.status.podIP, 7472);
      if (socket === undefined) throw new Error(`no socket to ${p.status.podIP}:7472`);
      exported += await scrape(socket);
    }
    const missing = wanted.filter((name) => !new RegExp(`^# TYPE ${name} `, 'm').test(exported));
    expect(missing).toEqual([]);
  }, 60_000);

  test('the API server calls the webhook in the controller pod with the caBundle the controller wrote', async () => {
    const ca = await until(
      () =>
        must(
          tools.kubectl([
            'get',
            'validatingwebhookconfiguration',
            'ironlb-validating',
            '-o',
            'jsonpath={.webhooks[0].clientConfig.caBundle}',
          ]),
        ),
      (b) => b !== '',
      logs,
    );
    expect(Buffer.from(ca, 'base64').toString('utf8')).toContain('-----BEGIN CERTIFICATE-----');
    const peer = `apiVersion: ironlb.io/v1beta1
kind: BGPPeer
metadata:
  name: router
  namespace: ironlb-system
spec:
  myASN: 64513
  peerASN: 64512
  peerAddress: 198.51.100.1
  holdTime: 2s
`;
    const r = await tools.kubectl(['apply', '-f', '-'], peer);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'admission webhook "validate.ironlb.io" denied the request: BGPPeer ironlb-system/router: spec.holdTime:',
    );
    const fixed = peer.replace('holdTime: 2s', 'holdTime: 9s');
    expect(await must(tools.kubectl(['apply', '-f', '-'], fixed))).toContain('bgppeer.ironlb.io/router created');
  }, 60_000);

  test("the pods call the API server as their service accounts, held to the chart's RBAC", async () => {
    const server = kubeServerUrl();
    const asSpeaker = { Authorization: 'Bearer system:serviceaccount:ironlb-system:ironlb-speaker' };
    const node = await fetch(`${server}/api/v1/nodes`, {
      method: 'POST',
      headers: { ...asSpeaker, 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node9' } }),
    });
    expect(node.status).toBe(403);
    expect(((await node.json()) as { message: string }).message).toBe(
      'nodes is forbidden: User "system:serviceaccount:ironlb-system:ironlb-speaker" cannot create resource "nodes" in API group "" at the cluster scope',
    );
    const secret = await fetch(
      `${server}/api/v1/namespaces/ironlb-system/secrets?watch=1&fieldSelector=metadata.name%3Dother`,
      {
        headers: asSpeaker,
      },
    );
    expect(secret.status).toBe(403);
    // Without the speakers' RoleBinding, their next Lease renewal is refused: they do use their own identity.
    const binding = await must(
      tools.kubectl(['get', 'rolebinding', 'ironlb-speaker', '-n', RELEASE_NAMESPACE, '-o', 'json']),
    );
    await must(tools.kubectl(['delete', 'rolebinding', 'ironlb-speaker', '-n', RELEASE_NAMESPACE]));
    try {
      const refused =
        /leases\.coordination\.k8s\.io \\"ironlb-speaker-node\d\\" is forbidden: User \\"system:serviceaccount:ironlb-system:ironlb-speaker\\" cannot get resource \\"leases\\"/;
      await until(
        async () => refused.test(logs()),
        (seen) => seen,
        () => logs().slice(-5000),
      );
    } finally {
      const restored = JSON.parse(binding) as { metadata: Record<string, unknown> };
      restored.metadata = {
        name: 'ironlb-speaker',
        namespace: RELEASE_NAMESPACE,
        labels: restored.metadata.labels,
        annotations: restored.metadata.annotations,
      };
      await must(tools.kubectl(['create', '-f', '-'], JSON.stringify(restored)));
    }
  }, 60_000);

  test('helm upgrade with less to do rolls the speakers onto NET_RAW alone, and they become ready with it', async () => {
    const before = speakers().map((s) => s.pid);
    await must(
      tools.helm([
        'upgrade',
        'ironlb',
        CHART,
        '-n',
        RELEASE_NAMESPACE,
        '--set',
        'speaker.dataplane=none',
        '--set',
        'speaker.bgpPort=0',
      ]),
    );
    await until(
      async () => speakers(),
      (now) => now.length === 2 && now.every((s) => !before.includes(s.pid)),
      logs,
    );
    await releasePodsReady(tools.kubectl, PODS, logs);
    for (const pid of before) expect(alive(pid)).toBe(false);
    for (const s of speakers()) {
      const v = view(s.pid);
      expect(v).toMatchObject({ uid: 0, capabilities: ['net_raw'] });
      expect(v.cmdline).toContain('--dataplane=none');
      expect(v.cmdline).toContain('--bgp-port=0');
    }
  }, 120_000);

  test('helm uninstall stops every pod process and deletes the Pods; the CRDs and the BGPPeer stay', async () => {
    const pids = (kubelet?.processes() ?? []).map((p) => p.pid);
    expect(pids).toHaveLength(PODS);
    await must(tools.helm(['uninstall', 'ironlb', '-n', RELEASE_NAMESPACE]));
    await until(
      async () => pids.filter(alive),
      (left) => left.length === 0,
      logs,
    );
    const pods = await until(
      () => must(tools.kubectl(['get', 'pods', '-n', RELEASE_NAMESPACE, '-o', 'name'])),
      (names) => names.trim() === '',
      logs,
    );
    expect(pods.trim()).toBe('');
    expect(await must(tools.kubectl(['get', 'bgppeers', '-n', RELEASE_NAMESPACE, '-o', 'name']))).toBe(
      'bgppeer.ironlb.io/router\n',
    );
  }, 120_000);
});
