/**
 * The compiled ironlb-controller's validating webhook against ironlb-kube, called directly over HTTPS as the API
 * server calls it (ironlb-kube's own webhook calls are tested once they exist): the controller makes the certificate
 * Secret, writes its CA into the caBundle of every webhook of the configuration, serves a certificate that chains to
 * that CA for the Service's name, refuses a bad object and the deletion of a BFDProfile a BGPPeer names (listing the
 * objects through the API), and a restarted controller serves the same certificate from the Secret.
 */
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, startController, until, type ControllerProcess } from '../testing/controllerProcess';
import { freePort } from '../testing/daemonMemory';

const NS = 'ironlb-system';
const SERVICE_NAME = `ironlb-webhook.${NS}.svc`;

// Two webhooks, to see every caBundle written; a namespaceSelector no namespace matches, so the API server never
// calls them (this test calls the controller itself).
const CONFIG = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: ironlb-validating}
webhooks:
${['a', 'b']
  .map(
    (n) => `  - name: ${n}.validate.ironlb.io
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Ignore
    namespaceSelector: {matchLabels: {ironlb.io/never: "true"}}
    clientConfig: {service: {name: ironlb-webhook, namespace: ${NS}, path: /validate, port: 443}}
    rules: [{apiGroups: [ironlb.io], apiVersions: [v1beta1], operations: [CREATE, UPDATE], resources: [bgppeers]}]`,
  )
  .join('\n')}
`;

const OBJECTS = `
apiVersion: ironlb.io/v1beta1
kind: BFDProfile
metadata: {name: fast, namespace: ${NS}}
spec: {}
---
apiVersion: ironlb.io/v1beta1
kind: BGPPeer
metadata: {name: tor1, namespace: ${NS}}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 198.51.100.1, bfdProfile: fast}
`;

let c: TestCluster;
const started: ControllerProcess[] = [];
afterAll(async () => {
  for (const p of started) await p.kill();
  await c?.stop();
});

beforeAll(async () => {
  c = await startTestCluster();
  await c.ok(['create', 'namespace', NS]);
  await c.ok(['apply', '-f', CRDS]);
  await c.ok(['apply', '-f', '-'], CONFIG);
  await c.ok(['apply', '-f', '-'], OBJECTS);
});

async function startWithWebhook(port: number): Promise<ControllerProcess> {
  const p = startController(c.kubeconfig, { args: ['--metrics-port', '0', '--webhook-port', String(port)] });
  started.push(p);
  await until(
    async () => p.output(),
    (text) => text.includes('"msg":"serving the validating webhook"'),
    () => p.output(),
  );
  return p;
}

const fromB64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

interface Reply {
  readonly body: { response: { uid: string; allowed: boolean; status?: { code: number; message: string } } };
  readonly fingerprint: string;
}

function post(port: number, ca: string, review: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/validate', ca, servername: SERVICE_NAME, agent: false },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          try {
            resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply['body'], fingerprint });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('error', reject);
    req.setHeader('Content-Type', 'application/json');
    req.end(JSON.stringify(review));
  });
}

const review = (uid: string, operation: string, kind: string, name: string, object?: unknown): unknown => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid,
    kind: { group: 'ironlb.io', version: 'v1beta1', kind },
    operation,
    namespace: NS,
    name,
    ...(object ? { object } : { oldObject: { metadata: { name, namespace: NS } } }),
  },
});

const peer = (holdTime: string): unknown => ({
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'BGPPeer',
  metadata: { name: 'tor2', namespace: NS },
  spec: { myASN: 64500, peerASN: 64501, peerAddress: '198.51.100.2', holdTime },
});

test('certificate Secret, caBundles, verdicts over HTTPS, and the same certificate after a restart', async () => {
  const port = await freePort();
  const first = await startWithWebhook(port);

  const secret = JSON.parse(await c.ok(['get', 'secret', 'ironlb-webhook-cert', '-n', NS, '-o', 'json'])) as {
    type: string;
    data: Record<string, string>;
  };
  expect(secret.type).toBe('kubernetes.io/tls');
  expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
  const ca = fromB64(secret.data['ca.crt'] ?? '');
  const bundles = await c.ok([
    'get',
    'validatingwebhookconfiguration',
    'ironlb-validating',
    '-o',
    'jsonpath={.webhooks[*].clientConfig.caBundle}',
  ]);
  expect(bundles.split(' ')).toEqual([secret.data['ca.crt'], secret.data['ca.crt']]);

  const ok = await post(port, ca, review('u-1', 'CREATE', 'BGPPeer', 'tor2', peer('90s')));
  expect(ok.body.response).toEqual({ uid: 'u-1', allowed: true });
  const bad = await post(port, ca, review('u-2', 'CREATE', 'BGPPeer', 'tor2', peer('1s')));
  expect(bad.body.response).toEqual({
    uid: 'u-2',
    allowed: false,
    status: {
      code: 403,
      reason: 'Forbidden',
      message:
        'BGPPeer ironlb-system/tor2: spec.holdTime: must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "1s"',
    },
  });
  const del = await post(port, ca, review('u-3', 'DELETE', 'BFDProfile', 'fast'));
  expect(del.body.response.status?.message).toBe(
    'deleting BFDProfile ironlb-system/fast would make the daemons leave out another object: BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which does not exist',
  );

  await first.stop();
  const second = await startWithWebhook(port);
  const again = await post(port, ca, review('u-4', 'CREATE', 'BGPPeer', 'tor2', peer('90s')));
  expect(again.fingerprint).toBe(ok.fingerprint);
  expect(second.output()).not.toContain('wrote new webhook certificates');
  expect(await c.ok(['get', 'secret', 'ironlb-webhook-cert', '-n', NS, '-o', 'jsonpath={.data.tls\\.crt}'])).toBe(
    secret.data['tls.crt'],
  );
});
