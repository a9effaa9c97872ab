import { answer, failure, readReview } from './review';

const review = (request: unknown): unknown => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });
const REQUEST = {
  uid: 'u-1',
  kind: { group: 'ironlb.io', version: 'v1beta1', kind: 'BGPPeer' },
  operation: 'UPDATE',
  namespace: 'ironlb-system',
  name: 'tor1',
  object: { metadata: { name: 'tor1' } },
  oldObject: { metadata: { name: 'tor1' }, spec: {} },
};

describe('readReview', () => {
  it('reads the uid and the change', () => {
    expect(readReview(review(REQUEST))).toEqual({
      uid: 'u-1',
      change: {
        kind: 'BGPPeer',
        operation: 'UPDATE',
        namespace: 'ironlb-system',
        name: 'tor1',
        object: { metadata: { name: 'tor1' } },
        oldObject: { metadata: { name: 'tor1' }, spec: {} },
      },
    });
  });

  it('leaves out a null object (a DELETE carries none)', () => {
    expect(readReview(review({ ...REQUEST, operation: 'DELETE', object: null }))).toEqual({
      uid: 'u-1',
      change: {
        kind: 'BGPPeer',
        operation: 'DELETE',
        namespace: 'ironlb-system',
        name: 'tor1',
        oldObject: { metadata: { name: 'tor1' }, spec: {} },
      },
    });
  });

  it('leaves out an absent or null oldObject and object: the change holds no key for them', () => {
    const { oldObject: _old, ...create } = REQUEST;
    const read = readReview(review({ ...create, operation: 'CREATE' }));
    expect(read).toStrictEqual({
      uid: 'u-1',
      change: {
        kind: 'BGPPeer',
        operation: 'CREATE',
        namespace: 'ironlb-system',
        name: 'tor1',
        object: { metadata: { name: 'tor1' } },
      },
    });
    const { object: _obj, ...noObject } = REQUEST;
    const deleted = readReview(review({ ...noObject, operation: 'DELETE', oldObject: null }));
    expect(deleted).toStrictEqual({
      uid: 'u-1',
      change: { kind: 'BGPPeer', operation: 'DELETE', namespace: 'ironlb-system', name: 'tor1' },
    });
  });

  it('reads a namespace or name that is not a string as empty', () => {
    expect(readReview(review({ ...REQUEST, namespace: 7, name: ['tor1'] }))).toStrictEqual({
      uid: 'u-1',
      change: {
        kind: 'BGPPeer',
        operation: 'UPDATE',
        namespace: '',
        name: '',
        object: { metadata: { name: 'tor1' } },
        oldObject: { metadata: { name: 'tor1' }, spec: {} },
      },
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'the body must be an AdmissionReview object, got array'],
    [
      'of another kind',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionResponse' },
      'the body must be an admission.k8s.io/v1 AdmissionReview, got "admission.k8s.io/v1" "AdmissionResponse"',
    ],
    ['whose uid is not a string', review({ ...REQUEST, uid: 42 }), 'request.uid is required'],
    ['whose kind is null', review({ ...REQUEST, kind: null }), 'request.kind.kind is required'],
    [
      'whose kind.kind is not a string',
      review({ ...REQUEST, kind: { group: 'ironlb.io', kind: 5 } }),
      'request.kind.kind is required',
    ],
    [
      'of another version',
      { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' },
      'the body must be an admission.k8s.io/v1 AdmissionReview, got "admission.k8s.io/v1beta1" "AdmissionReview"',
    ],
    ['without a request', review(undefined), 'request must be an object, got undefined'],
    ['without a uid', review({ ...REQUEST, uid: '' }), 'request.uid is required'],
    [
      'of an unknown operation',
      review({ ...REQUEST, operation: 'PATCH' }),
      'request.operation must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"',
    ],
    ['without a kind', review({ ...REQUEST, kind: 'BGPPeer' }), 'request.kind.kind is required'],
  ])('refuses a body %s', (_what, body, error) => {
    expect(readReview(body)).toEqual({ error });
  });
});

describe('answer and failure', () => {
  it('echoes the uid; a refusal is 403 Forbidden with the message', () => {
    expect(answer('u-1', { allowed: true, reason: 'fine' })).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true },
    });
    expect(answer('u-2', { allowed: false, message: 'BGPPeer x: spec.myASN: bad' })).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u-2',
        allowed: false,
        status: { code: 403, reason: 'Forbidden', message: 'BGPPeer x: spec.myASN: bad' },
      },
    });
  });

  it('a failure to judge is not allowed, 500', () => {
    expect(failure('u-3', 'listing bgppeers: 503')).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u-3',
        allowed: false,
        status: { code: 500, reason: 'InternalError', message: 'listing bgppeers: 503' },
      },
    });
  });
});
