/**
 * Validating admission webhooks, end to end: a real HTTPS webhook in this test (its CA and serving certificate made
 * with openssl), registered with the real kubectl, which then creates, updates and deletes objects through
 * ironlb-kube. Each case has its own namespace and configuration (a namespaceSelector on the case's label), so the
 * cases do not see each other's webhooks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/cluster';

interface Review {
  request: {
    uid: string;
    operation: string;
    name: string;
    namespace?: string;
    kind: Record<string, string>;
    resource: Record<string, string>;
    subResource?: string;
    userInfo: { username: string };
    dryRun: boolean;
    object: { metadata: { labels?: Record<string, string> }; data?: Record<string, string> } | null;
    oldObject: { metadata: { labels?: Record<string, string> }; data?: Record<string, string> } | null;
    options: Record<string, unknown>;
  };
}

let c: TestCluster;
let hook: https.Server;
let hookPort: number;
let closedPort: number;
let caBundle: string;
let otherCaBundle: string;
let dir: string;
const seen: Review[] = [];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, and a serving certificate it signs for the webhook Services' names and 127.0.0.1. */
function makeCerts(): { key: string; cert: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=webhook-test-ca']);
  openssl(['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '1', '-subj', '/CN=other-ca']);
  openssl(['req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=hook.webhooks.svc']);
  fs.writeFileSync(
    path.join(dir, 'ext.cnf'),
    'subjectAltName=DNS:hook.webhooks.svc,DNS:slow.webhooks.svc,DNS:down.webhooks.svc,IP:127.0.0.1\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  ]);
  const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
  caBundle = Buffer.from(read('ca.crt')).toString('base64');
  otherCaBundle = Buffer.from(read('other.crt')).toString('base64');
  return { key: read('tls.key'), cert: read('tls.crt') };
}

/**
 * The webhook: data.verdict (of the new object, or the old one on DELETE) decides: deny (403 Forbidden with a
 * message), bare (denied without code or reason), warn (allowed with two warnings); anything else allows. /slow
 * answers after 2 s.
 */
function answer(review: Review): Record<string, unknown> {
  const r = review.request;
  const verdict = (r.object ?? r.oldObject)?.data?.verdict ?? 'allow';
  const base = { uid: r.uid };
  if (verdict === 'deny')
    return { ...base, allowed: false, status: { code: 403, reason: 'Forbidden', message: `verdict is ${verdict}` } };
  if (verdict === 'bare') return { ...base, allowed: false };
  if (verdict === 'warn') return { ...base, allowed: true, warnings: ['pool "a" overlaps pool b', 'second warning'] };
  return { ...base, allowed: true };
}

async function startHook(tls: { key: string; cert: string }): Promise<void> {
  hook = https.createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      seen.push(review);
      const body = JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: answer(review),
      });
      const reply = (): void => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(body);
      };
      if (req.url?.startsWith('/slow')) setTimeout(reply, 2000);
      else reply();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookPort = (hook.address() as AddressInfo).port;
}

/** A port nothing listens on: taken, then released. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-webhook-'));
  await startHook(makeCerts());
  closedPort = await freePort();
  c = await startTestCluster({
    webhookResolver: (svc) => {
      if (svc.namespace !== 'webhooks') return undefined;
      if (svc.name === 'hook' || svc.name === 'slow') return { host: '127.0.0.1', port: hookPort };
      if (svc.name === 'down') return { host: '127.0.0.1', port: closedPort };
      return undefined;
    },
  });
});

afterAll(async () => {
  await c?.stop();
  if (hook) {
    const closed = new Promise<void>((resolve) => hook.close(() => resolve()));
    hook.closeAllConnections();
    await closed;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

interface HookSpec {
  name: string;
  service?: string;
  url?: string;
  path?: string;
  failurePolicy?: 'Fail' | 'Ignore';
  ca?: string;
  operations?: string[];
  timeoutSeconds?: number;
  /** Default: ConfigMaps (core v1). */
  rule?: { apiGroups: string[]; apiVersions: string[]; resources: string[] };
}

/** A namespace labelled for the case, and a configuration whose webhooks select it. */
async function setup(caseName: string, hooks: HookSpec[], nsLabelled = true): Promise<string> {
  const ns = `case-${caseName}`;
  const webhooks = hooks.map((h) => ({
    name: h.name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: h.failurePolicy ?? 'Fail',
    ...(h.timeoutSeconds ? { timeoutSeconds: h.timeoutSeconds } : {}),
    namespaceSelector: { matchLabels: { 'webhook-case': caseName } },
    rules: [
      {
        ...(h.rule ?? { apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }),
        operations: h.operations ?? ['CREATE', 'UPDATE'],
      },
    ],
    clientConfig: {
      caBundle: h.ca ?? caBundle,
      ...(h.url
        ? { url: h.url }
        : { service: { namespace: 'webhooks', name: h.service ?? 'hook', path: h.path ?? '/validate' } }),
    },
  }));
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: caseName },
    webhooks,
  };
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: nsLabelled ? { 'webhook-case': caseName } : {} },
  };
  await c.ok(['apply', '-f', '-'], `${JSON.stringify(namespace)}\n---\n${JSON.stringify(config)}\n`);
  return ns;
}

const configMap = (ns: string, name: string, verdict: string): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { verdict } });

const reviewsFor = (ns: string): Review[] => seen.filter((r) => r.request.namespace === ns);

describe('validating webhooks', () => {
  it('calls the webhook with the AdmissionReview, and the allowed object is stored', async () => {
    const ns = await setup('allowed', [{ name: 'check.ironlb.io' }]);
    expect(await c.ok(['apply', '-f', '-'], configMap(ns, 'ok', 'allow'))).toBe('configmap/ok created\n');
    const [r] = reviewsFor(ns);
    expect(r.request).toMatchObject({
      operation: 'CREATE',
      name: 'ok',
      namespace: ns,
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      userInfo: { username: 'system:admin' },
      dryRun: false,
      oldObject: null,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    });
    expect(r.request.object?.data).toEqual({ verdict: 'allow' });
    expect(await c.ok(['get', 'cm', 'ok', '-n', ns, '-o', 'jsonpath={.data.verdict}'])).toBe('allow');
    // An update carries the old object.
    await c.ok(['apply', '-f', '-'], configMap(ns, 'ok', 'still-allow'));
    const update = reviewsFor(ns).find((x) => x.request.operation === 'UPDATE');
    expect(update?.request.oldObject?.data).toEqual({ verdict: 'allow' });
    expect(update?.request.object?.data).toEqual({ verdict: 'still-allow' });
  });

  it('refuses what the webhook denies, with its message, as kubectl shows it', async () => {
    const ns = await setup('denied', [{ name: 'check.ironlb.io' }]);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'no', 'deny'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error from server (Forbidden): error when creating "STDIN": admission webhook "check.ironlb.io" denied the request: verdict is deny\n',
    );
    expect((await c.kubectl(['get', 'cm', 'no', '-n', ns])).code).toBe(1);
    const bare = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'bare', 'bare'));
    expect(bare.stderr).toBe(
      'Error from server: error when creating "STDIN": admission webhook "check.ironlb.io" denied the request without explanation\n',
    );
  });

  it('refuses deletes the webhook denies (the old object is judged)', async () => {
    const ns = await setup('delete', [{ name: 'check.ironlb.io', operations: ['DELETE'] }]);
    await c.ok(['apply', '-f', '-'], configMap(ns, 'kept', 'deny'));
    const r = await c.kubectl(['delete', 'cm', 'kept', '-n', ns]);
    expect(r.stderr).toBe(
      'Error from server (Forbidden): admission webhook "check.ironlb.io" denied the request: verdict is deny\n',
    );
    expect(await c.ok(['get', 'cm', 'kept', '-n', ns, '-o', 'name'])).toBe('configmap/kept\n');
    const del = reviewsFor(ns).find((x) => x.request.operation === 'DELETE');
    expect(del?.request.object).toBeNull();
    expect(del?.request.options).toMatchObject({ kind: 'DeleteOptions' });
  });

  it("shows the webhook's warnings", async () => {
    const ns = await setup('warnings', [{ name: 'check.ironlb.io' }]);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'warned', 'warn'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('configmap/warned created\n');
    expect(r.stderr).toBe('Warning: pool "a" overlaps pool b\nWarning: second warning\n');
  });

  it('calls every matching webhook; any denial refuses', async () => {
    const ns = await setup('several', [
      { name: 'first.ironlb.io' },
      { name: 'second.ironlb.io', url: `https://127.0.0.1:${hookPort}/validate` },
    ]);
    expect(await c.ok(['apply', '-f', '-'], configMap(ns, 'both', 'allow'))).toBe('configmap/both created\n');
    expect(reviewsFor(ns)).toHaveLength(2);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'neither', 'deny'));
    expect(r.stderr).toMatch(/admission webhook "first.ironlb.io" denied the request: verdict is deny/);
  });

  it('with the webhook down: Fail refuses with the call error, Ignore lets the object in', async () => {
    const fail = await setup('down-fail', [{ name: 'down.ironlb.io', service: 'down' }]);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(fail, 'x', 'allow'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "down.ironlb.io": failed to call webhook: Post "https://down.webhooks.svc:443/validate?timeout=10s": dial tcp 127.0.0.1:${closedPort}: connect: connection refused\n`,
    );
    const ignore = await setup('down-ignore', [{ name: 'down.ironlb.io', service: 'down', failurePolicy: 'Ignore' }]);
    expect(await c.ok(['apply', '-f', '-'], configMap(ignore, 'x', 'allow'))).toBe('configmap/x created\n');
  });

  it('refuses a certificate the caBundle does not sign (Fail)', async () => {
    const ns = await setup('wrong-ca', [{ name: 'check.ironlb.io', ca: otherCaBundle }]);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'x', 'allow'));
    expect(r.stderr).toBe(
      'Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "check.ironlb.io": failed to call webhook: Post "https://hook.webhooks.svc:443/validate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority\n',
    );
    expect(reviewsFor(ns)).toHaveLength(0);
  });

  it('gives up after timeoutSeconds', async () => {
    const ns = await setup('timeout', [{ name: 'slow.ironlb.io', service: 'slow', path: '/slow', timeoutSeconds: 1 }]);
    const r = await c.kubectl(['apply', '-f', '-'], configMap(ns, 'x', 'allow'));
    expect(r.stderr).toBe(
      'Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "slow.ironlb.io": failed to call webhook: Post "https://slow.webhooks.svc:443/slow?timeout=1s": context deadline exceeded\n',
    );
  });

  it('skips namespaces its namespaceSelector excludes', async () => {
    const ns = await setup('excluded', [{ name: 'check.ironlb.io' }], false);
    expect(await c.ok(['apply', '-f', '-'], configMap(ns, 'free', 'deny'))).toBe('configmap/free created\n');
    expect(reviewsFor(ns)).toHaveLength(0);
  });

  it('is called with dryRun true on a server-side dry run, and nothing is stored', async () => {
    const ns = await setup('dry-run', [{ name: 'check.ironlb.io' }]);
    expect(await c.ok(['apply', '--dry-run=server', '-f', '-'], configMap(ns, 'dry', 'allow'))).toBe(
      'configmap/dry created (server dry run)\n',
    );
    expect(reviewsFor(ns)[0].request).toMatchObject({ dryRun: true, options: { dryRun: ['All'] } });
    expect((await c.kubectl(['get', 'cm', 'dry', '-n', ns])).code).toBe(1);
    const denied = await c.kubectl(['apply', '--dry-run=server', '-f', '-'], configMap(ns, 'dry', 'deny'));
    expect(denied.stderr).toMatch(/denied the request: verdict is deny/);
  });

  describe('custom resources', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.ironlb.io' },
      spec: {
        group: 'example.ironlb.io',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  data: { type: 'object', additionalProperties: { type: 'string' } },
                  status: { type: 'object', properties: { phase: { type: 'string' } } },
                },
              },
            },
          },
        ],
      },
    };
    const widget = (ns: string, name: string, verdict: string): string =>
      JSON.stringify({
        apiVersion: 'example.ironlb.io/v1',
        kind: 'Widget',
        metadata: { name, namespace: ns },
        data: { verdict },
      });
    const widgets = { apiGroups: ['example.ironlb.io'], apiVersions: ['v1'], resources: ['widgets'] };

    beforeAll(async () => {
      await c.ok(['apply', '-f', '-'], JSON.stringify(crd));
    });

    it('are judged like built-in kinds', async () => {
      const ns = await setup('widgets', [{ name: 'widgets.ironlb.io', rule: widgets }]);
      expect(await c.ok(['apply', '-f', '-'], widget(ns, 'fine', 'allow'))).toBe(
        'widget.example.ironlb.io/fine created\n',
      );
      expect(reviewsFor(ns)[0].request).toMatchObject({
        kind: { group: 'example.ironlb.io', version: 'v1', kind: 'Widget' },
        resource: { group: 'example.ironlb.io', version: 'v1', resource: 'widgets' },
      });
      const r = await c.kubectl(['apply', '-f', '-'], widget(ns, 'bad', 'deny'));
      expect(r.stderr).toBe(
        'Error from server (Forbidden): error when creating "STDIN": admission webhook "widgets.ironlb.io" denied the request: verdict is deny\n',
      );
    });

    it('a rule on widgets/status sees status writes only', async () => {
      const ns = await setup('widget-status', [
        { name: 'status.ironlb.io', rule: { ...widgets, resources: ['widgets/status'] } },
      ]);
      // The main resource is not the rule's: the denying verdict goes through.
      expect(await c.ok(['apply', '-f', '-'], widget(ns, 'w', 'deny'))).toBe('widget.example.ironlb.io/w created\n');
      expect(reviewsFor(ns)).toHaveLength(0);
      const r = await c.kubectl([
        'patch',
        'widget',
        'w',
        '-n',
        ns,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"phase":"Ready"}}',
      ]);
      expect(r.stderr).toBe(
        'Error from server (Forbidden): admission webhook "status.ironlb.io" denied the request: verdict is deny\n',
      );
      expect(reviewsFor(ns)[0].request).toMatchObject({ operation: 'UPDATE', subResource: 'status' });
    });
  });
});
