import { goError } from './client';
import { resolveService, ResolveError, type ObjectReader } from './resolve';
import {
  InvalidResponse,
  admissionReview,
  callFailed,
  denied,
  httpFailure,
  reviewVersion,
  verifyResponse,
  warningHeader,
} from './review';
import type { AdmissionAttributes } from './types';
import type { KubeObject } from '../types';

const attrs: AdmissionAttributes = {
  operation: 'UPDATE',
  group: '',
  version: 'v1',
  resource: 'services',
  subresource: 'status',
  kind: 'Service',
  namespace: 'default',
  name: 'web',
  object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' } },
  dryRun: true,
  options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] },
};

describe('admissionReview', () => {
  it('carries the request as admission.k8s.io/v1 does: kinds, resources, subresource, user, objects, options', () => {
    expect(admissionReview(attrs, 'u-1', 'v1')).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u-1',
        kind: { group: '', version: 'v1', kind: 'Service' },
        resource: { group: '', version: 'v1', resource: 'services' },
        subResource: 'status',
        requestKind: { group: '', version: 'v1', kind: 'Service' },
        requestResource: { group: '', version: 'v1', resource: 'services' },
        requestSubResource: 'status',
        name: 'web',
        namespace: 'default',
        operation: 'UPDATE',
        userInfo: { username: 'system:admin' },
        object: attrs.object,
        oldObject: null,
        dryRun: true,
        options: attrs.options,
      },
    });
  });

  it('leaves out an empty subresource and namespace', () => {
    const r = admissionReview({ ...attrs, subresource: '', namespace: '' }, 'u', 'v1').request as Record<
      string,
      unknown
    >;
    expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['subResource']));
    expect(r.namespace).toBeUndefined();
    expect(r.requestSubResource).toBeUndefined();
  });

  it('speaks v1 unless the webhook lists v1beta1 alone', () => {
    expect(reviewVersion({ admissionReviewVersions: ['v1', 'v1beta1'] })).toBe('v1');
    expect(reviewVersion({ admissionReviewVersions: ['v1beta1'] })).toBe('v1beta1');
    expect(reviewVersion({})).toBe('v1');
  });
});

describe('verifyResponse', () => {
  const ok = (response: unknown): unknown => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });

  it('reads allowed, status and warnings', () => {
    expect(verifyResponse(ok({ uid: 'u', allowed: true, warnings: ['w1', 'w2'] }), 'u', 'v1')).toEqual({
      allowed: true,
      status: undefined,
      warnings: ['w1', 'w2'],
    });
    expect(verifyResponse(ok({ uid: 'u', allowed: false, status: { message: 'no' } }), 'u', 'v1')).toEqual({
      allowed: false,
      status: { message: 'no' },
      warnings: [],
    });
  });

  it('refuses what the real server refuses, in its words', () => {
    const bad = (body: unknown): string => {
      try {
        verifyResponse(body, 'u', 'v1');
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidResponse);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })).toBe('webhook response was absent');
    expect(bad(ok({ uid: 'x', allowed: true }))).toBe('expected response.uid="u", got "x"');
    expect(bad({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'u' } })).toBe(
      'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview',
    );
    expect(bad(ok({ uid: 'u', allowed: true, patch: 'W10=' }))).toBe('validating webhooks may not return patches');
  });
});

describe('denied', () => {
  it('prefixes the message with the webhook, keeps code, reason and details', () => {
    expect(
      denied('pools.ironlb.io', { code: 403, reason: 'Forbidden', message: 'overlaps pool a' }).toStatus(),
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'admission webhook "pools.ironlb.io" denied the request: overlaps pool a',
      reason: 'Forbidden',
      code: 403,
    });
  });

  it('falls back to the reason, then "without explanation"; a code below 400 becomes 400', () => {
    const e = denied('w.ironlb.io', { reason: 'Taken' });
    expect(e.code).toBe(400);
    expect(e.message).toBe('admission webhook "w.ironlb.io" denied the request: Taken');
    const bare = denied('w.ironlb.io', undefined);
    expect(bare.message).toBe('admission webhook "w.ironlb.io" denied the request without explanation');
    expect(bare.toStatus().reason).toBeUndefined();
    expect(denied('w.ironlb.io', { code: 200, message: 'm' }).code).toBe(400);
    expect(denied('w.ironlb.io', { code: 422, message: 'm' }).code).toBe(422);
  });
});

describe('call failures', () => {
  it('are 500 InternalError with the dispatcher wording', () => {
    const e = callFailed('w.ironlb.io', 'failed to call webhook: Post "https://h:1/?timeout=10s": boom');
    expect(e.code).toBe(500);
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Internal error occurred: failed calling webhook "w.ironlb.io": failed to call webhook: Post "https://h:1/?timeout=10s": boom',
      reason: 'InternalError',
      details: {
        causes: [
          {
            message:
              'failed calling webhook "w.ironlb.io": failed to call webhook: Post "https://h:1/?timeout=10s": boom',
          },
        ],
      },
      code: 500,
    });
  });

  it('word non-2xx answers as client-go does', () => {
    expect(httpFailure(404, 'nope')).toBe('the server could not find the requested resource');
    expect(httpFailure(500, 'oops\n')).toBe(
      'an error on the server ("oops") has prevented the request from succeeding',
    );
    expect(httpFailure(418, '')).toBe(
      'the server responded with the status code 418 but did not return more information',
    );
    expect(httpFailure(500, JSON.stringify({ kind: 'Status', status: 'Failure', message: 'own words' }))).toBe(
      'own words',
    );
  });

  it("word Node's socket and TLS errors as Go does", () => {
    const t = { host: '127.0.0.1', port: 8443, serverName: 'hook.ironlb.svc' };
    const err = (code: string, extra: object = {}): Error => Object.assign(new Error(code), { code }, extra);
    expect(goError(err('ECONNREFUSED'), t)).toBe('dial tcp 127.0.0.1:8443: connect: connection refused');
    expect(goError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), t)).toBe(
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    );
    expect(goError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), t)).toBe(
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
    );
    expect(
      goError(
        err('ERR_TLS_CERT_ALTNAME_INVALID', { cert: { subjectaltname: 'DNS:a.b.svc, DNS:c, IP Address:1.2.3.4' } }),
        t,
      ),
    ).toBe('tls: failed to verify certificate: x509: certificate is valid for a.b.svc, c, not hook.ironlb.svc');
    expect(goError(err('EWHATEVER'), t)).toBe('EWHATEVER');
  });

  it('quote warnings for the Warning header', () => {
    expect(warningHeader('pool "a" is "b\\c"')).toBe('299 - "pool \\"a\\" is \\"b\\\\c\\""');
  });
});

describe('resolveService', () => {
  const objects: Record<string, KubeObject[]> = {};
  const reader: ObjectReader = {
    get: (storage, namespace, name) =>
      (objects[storage] ?? []).find((o) => o.metadata.name === name && o.metadata.namespace === namespace),
    list: (storage, namespace) =>
      (objects[storage] ?? [])
        .filter((o) => o.metadata.namespace === namespace)
        .map((o): [string, KubeObject] => [o.metadata.name ?? '', o]),
  };
  const svc = (name: string, ports: object[], type = 'ClusterIP'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ironlb' },
    spec: { type, ports },
  });
  objects.services = [
    svc('hook', [{ name: 'https', port: 443, targetPort: 9443, protocol: 'TCP' }]),
    svc('bare', [{ port: 443, targetPort: 'webhook', protocol: 'TCP' }]),
    svc('ext', [{ port: 443 }], 'ExternalName'),
  ];
  objects['endpointslices.discovery.k8s.io'] = [
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'hook-abc', namespace: 'ironlb', labels: { 'kubernetes.io/service-name': 'hook' } },
      ports: [{ name: 'https', port: 9443, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['203.0.113.9'], conditions: { ready: false } },
        { addresses: ['203.0.113.10'], conditions: { ready: true } },
      ],
    },
  ];
  objects.endpoints = [
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'bare', namespace: 'ironlb' },
      subsets: [{ addresses: [{ ip: '198.51.100.7' }], ports: [{ port: 9444, protocol: 'TCP' }] }],
    },
  ];
  const ref = (name: string, port = 443): { namespace: string; name: string; port: number } => ({
    namespace: 'ironlb',
    name,
    port,
  });

  it("finds the first ready address and the service port's target port", () => {
    expect(resolveService(reader, ref('hook'))).toEqual({ host: '203.0.113.10', port: 9443 });
    expect(resolveService(reader, ref('bare'))).toEqual({ host: '198.51.100.7', port: 9444 });
  });

  it("fails in the real resolver's words", () => {
    const why = (r: ReturnType<typeof ref>): string => {
      try {
        resolveService(reader, r);
      } catch (e) {
        expect(e).toBeInstanceOf(ResolveError);
        return (e as Error).message;
      }
      throw new Error('resolved');
    };
    expect(why(ref('missing'))).toBe('service "missing" not found');
    expect(why(ref('hook', 8443))).toBe('no service port 8443 found for service "hook"');
    expect(why(ref('ext'))).toBe('unsupported service type "ExternalName"');
    objects.services.push(svc('lonely', [{ port: 443 }]));
    expect(why(ref('lonely'))).toBe('no endpoints available for service "lonely"');
  });
});
