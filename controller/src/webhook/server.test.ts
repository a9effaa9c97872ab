import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_CERT_TIMING, serviceDNSNames, type StoredCerts } from './certRules';
import { nextCerts } from './certs';
import { startWebhookServer, type WebhookServer } from './server';
import type { CurrentObjects } from './validate';

const NS = 'ironlb-system';
const NAMES = serviceDNSNames('ironlb-webhook', NS);

interface Reply {
  readonly code: number;
  readonly body: string;
  readonly fingerprint: string;
}

/** A request as the API server makes it: TLS verified against the CA bundle, for the Service's name. */
function call(port: number, ca: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = https.request(
      { host: '127.0.0.1', port, method, path, ca, servername: NAMES[0], agent: false },
      (res) => {
        const fingerprint = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint }),
        );
      },
    );
    req.on('error', reject);
    req.setHeader('Content-Type', 'application/json');
    req.end(payload);
  });
}

const review = (uid: string, object: Record<string, unknown>, operation = 'CREATE'): unknown => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid,
    kind: { group: 'ironlb.io', version: 'v1beta1', kind: object.kind },
    operation,
    namespace: NS,
    name: (object.metadata as { name: string }).name,
    object,
  },
});

const peer = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'BGPPeer',
  metadata: { name, namespace: NS },
  spec: { myASN: 64500, peerASN: 64501, peerAddress: '198.51.100.1', ...spec },
});

describe('the webhook server, over HTTPS on loopback', () => {
  let certs: StoredCerts;
  let server: WebhookServer;
  let current: CurrentObjects | Error = {};
  const logged: string[] = [];

  beforeAll(async () => {
    certs = (await nextCerts(undefined, NAMES, Date.now(), DEFAULT_CERT_TIMING)).certs;
    server = await startWebhookServer({
      port: 0,
      host: '127.0.0.1',
      pair: certs,
      namespace: NS,
      list: () => (current instanceof Error ? Promise.reject(current) : Promise.resolve(current)),
      log: {
        info: (_o: unknown, m: string) => logged.push(m),
        warn: (_o: unknown, m: string) => logged.push(m),
      } as never,
    });
  });
  afterAll(() => server.close());

  it('allows a valid object, echoing the uid', async () => {
    current = {};
    const r = await call(server.port, certs.caBundle, 'POST', '/validate', review('u-1', peer('tor1', {})));
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true },
    });
  });

  it('refuses with 403 Forbidden and the message, checked against the listed objects', async () => {
    current = { BFDProfile: [] };
    const r = await call(
      server.port,
      certs.caBundle,
      'POST',
      '/validate',
      review('u-2', peer('tor1', { bfdProfile: 'fast' })),
    );
    expect(JSON.parse(r.body)).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u-2',
        allowed: false,
        status: {
          code: 403,
          reason: 'Forbidden',
          message: 'BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which does not exist',
        },
      },
    });
    expect(logged).toContain(
      'webhook refused: BGPPeer ironlb-system/tor1: spec.bfdProfile: names BFDProfile "fast", which does not exist',
    );
  });

  it('answers 500 in the review when the objects cannot be listed', async () => {
    current = new Error('503 Service Unavailable');
    const r = await call(server.port, certs.caBundle, 'POST', '/validate', review('u-3', peer('tor1', {})));
    expect(JSON.parse(r.body)).toMatchObject({
      response: {
        uid: 'u-3',
        allowed: false,
        status: {
          code: 500,
          message: 'ironlb could not list the objects of ironlb-system to check against: 503 Service Unavailable',
        },
      },
    });
  });

  it.each<[string, string, unknown, number, string]>([
    ['another path', '/mutate', {}, 404, 'no such path: /mutate (POST /validate)\n'],
    ['GET', '/validate', undefined, 405, 'GET /validate: only POST\n'],
    ['a body that is not JSON', '/validate', '{', 400, 'the body is not JSON\n'],
    [
      'a body that is no review',
      '/validate',
      { kind: 'Pod' },
      400,
      'the body must be an admission.k8s.io/v1 AdmissionReview, got undefined "Pod"\n',
    ],
  ])('refuses %s', async (what, path, body, code, text) => {
    const r = await call(server.port, certs.caBundle, what === 'GET' ? 'GET' : 'POST', path, body);
    expect([r.code, r.body]).toEqual([code, text]);
  });

  it('serves a new pair to new connections once set', async () => {
    const before = await call(server.port, certs.caBundle, 'POST', '/validate', review('u-4', peer('tor1', {})));
    expect(before.fingerprint).toBe(new X509Certificate(certs.cert).fingerprint256);
    const renewed = await nextCerts({ ...certs, cert: '' }, NAMES, Date.now(), DEFAULT_CERT_TIMING);
    server.setPair(renewed.certs);
    current = {};
    const after = await call(server.port, certs.caBundle, 'POST', '/validate', review('u-5', peer('tor1', {})));
    expect(after.fingerprint).toBe(new X509Certificate(renewed.certs.cert).fingerprint256);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(after.code).toBe(200);
  });
});
