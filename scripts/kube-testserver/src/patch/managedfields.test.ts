import * as fs from 'fs';
import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from '../types';
import {
  CONFORMANCE_DIR,
  RECORDED_TIME,
  loadCase,
  requestObject,
  responseObject,
  unmask,
  type Recorded,
} from './conformance-fixtures';
import { FieldSet } from './fieldpath';
import { applyJsonPatch } from './jsonpatch';
import {
  MAX_UPDATE_MANAGERS,
  decodeManagedFields,
  encodeManagedFields,
  managerFromRequest,
  recordUpdate,
  schemaInfoOf,
  validatePatchOptions,
} from './managedfields';
import { jsonMergePatch } from './merge';
import { strategicMergePatch } from './strategic';
import { crdSchemaInfo, type OpenAPISchema } from './typeinfo';

const NOW = RECORDED_TIME;

/** The recorded managedFields without the masked times. */
const recordedFields = (r: Recorded) =>
  (responseObject(r).metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);
const computedFields = (o: KubeObject) => (o.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);

/** A response body as it would be stored: placeholders replaced by values. */
const stored = (r: Recorded): KubeObject => unmask(r.response.body) as unknown as KubeObject;

const crSchema = (): OpenAPISchema => {
  const crd = loadCase('080').request.body as JsonObject;
  const versions = (crd.spec as JsonObject).versions as JsonObject[];
  return (versions[0].schema as JsonObject).openAPIV3Schema as unknown as OpenAPISchema;
};

describe('conformance data', () => {
  it('is where the tests expect it', () => {
    expect(fs.existsSync(CONFORMANCE_DIR)).toBe(true);
  });
});

describe('recordUpdate on create matches the recorded managedFields', () => {
  /** Service decoding defaults the server attributes to the creator (SetDefaults_Service); allocations are not. */
  const serviceDefaults = (o: KubeObject): KubeObject => {
    const spec = o.spec as JsonObject;
    spec.sessionAffinity = 'None';
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') spec.externalTrafficPolicy = 'Cluster';
    spec.internalTrafficPolicy = 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts = true;
    for (const p of spec.ports as JsonObject[]) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
    return o;
  };
  /** The response body is the decoded object when the server allocated nothing. */
  const asDecoded = (r: Recorded): KubeObject => {
    const o = stored(r);
    delete o.metadata.managedFields;
    return o;
  };
  const cases: [string, (r: Recorded) => KubeObject, string][] = [
    [
      '000',
      (r) => {
        const o = requestObject(r);
        o.metadata.labels = { 'kubernetes.io/metadata.name': o.metadata.name! };
        return o;
      },
      'v1',
    ],
    ['010', (r) => serviceDefaults(requestObject(r)), 'v1'],
    ['013', (r) => serviceDefaults(requestObject(r)), 'v1'],
    ['019', (r) => serviceDefaults(requestObject(r)), 'v1'],
    ['060', asDecoded, 'v1'],
    ['062', asDecoded, 'events.k8s.io/v1'],
    ['070', asDecoded, 'coordination.k8s.io/v1'],
    ['071', asDecoded, 'discovery.k8s.io/v1'],
    ['073', requestObject, 'v1'],
    ['080', asDecoded, 'apiextensions.k8s.io/v1'],
  ];
  it.each(cases)('%s', (id, decoded, apiVersion) => {
    const r = loadCase(id);
    const obj = decoded(r);
    const out = recordUpdate(undefined, obj, 'python-requests', apiVersion, undefined, NOW, schemaInfoOf(obj));
    expect(computedFields(out)).toEqual(recordedFields(r));
    expect(out.metadata.managedFields![0].time).toBe(NOW);
  });

  it.each(['081', '084'])('custom resource %s', (id) => {
    const r = loadCase(id);
    const o = stored(r);
    delete o.metadata.managedFields;
    const out = recordUpdate(
      undefined,
      o,
      'python-requests',
      'example.io/v1beta1',
      undefined,
      NOW,
      crdSchemaInfo(crSchema(), true),
    );
    expect(computedFields(out)).toEqual(recordedFields(r));
  });
});

describe('recordUpdate through the recorded Service history (023-030)', () => {
  const info = schemaInfoOf({ apiVersion: 'v1', kind: 'Service' });
  /** The object before a PUT: the request body with the status the server had. */
  const beforePut = (r: Recorded): KubeObject => {
    const o = requestObject(r);
    o.status = { loadBalancer: {} };
    return o;
  };

  it('023: a PUT that only changes status leaves managedFields alone', () => {
    const r = loadCase('023');
    const out = recordUpdate(beforePut(r), requestObject(r), 'python-requests', 'v1', undefined, NOW, info);
    expect(computedFields(out)).toEqual(recordedFields(r));
    expect(out.metadata.managedFields![0].time).toBe('2026-11-22T14:06:54Z');
  });

  it('024: PUT status adds an entry with subresource status', () => {
    const r = loadCase('024');
    const out = recordUpdate(beforePut(r), requestObject(r), 'python-requests', 'v1', 'status', NOW, info);
    expect(computedFields(out)).toEqual(recordedFields(r));
  });

  const patched: [string, string, string | undefined, (old: Json, body: Json) => Json][] = [
    ['025', '024', 'status', jsonMergePatch],
    ['027', '025', undefined, jsonMergePatch],
    ['028', '027', undefined, applyJsonPatch],
    ['029', '028', undefined, (o, b) => strategicMergePatch(o as JsonObject, b, info)],
    ['030', '029', undefined, (o, b) => strategicMergePatch(o as JsonObject, b, info)],
  ];
  it.each(patched)('%s (patch of the object of %s)', (id, prev, sub, apply) => {
    const r = loadCase(id);
    const old = stored(loadCase(prev));
    const next = apply(old as unknown as Json, r.request.body) as unknown as KubeObject;
    const out = recordUpdate(old, next, 'python-requests', 'v1', sub, NOW, info);
    expect(computedFields(out)).toEqual(recordedFields(r));
    const names = (o: KubeObject) => ((o.spec as JsonObject).ports as JsonObject[]).map((p) => p.name);
    expect(names(out)).toEqual(names(responseObject(r)));
  });

  it('074: a node cordon by merge patch owns spec.unschedulable', () => {
    const r = loadCase('074');
    const old = stored(loadCase('073'));
    const next = jsonMergePatch(old as unknown as Json, r.request.body) as unknown as KubeObject;
    const out = recordUpdate(old, next, 'python-requests', 'v1', undefined, NOW, schemaInfoOf(old));
    expect(computedFields(out)).toEqual(recordedFields(r));
  });

  it('085: a custom resource status patch gets its own entry', () => {
    const r = loadCase('085');
    const old = stored(loadCase('081'));
    const next = jsonMergePatch(old as unknown as Json, r.request.body) as unknown as KubeObject;
    const out = recordUpdate(
      old,
      next,
      'python-requests',
      'example.io/v1beta1',
      'status',
      NOW,
      crdSchemaInfo(crSchema(), true),
    );
    expect(computedFields(out)).toEqual(recordedFields(r));
  });
});

describe('recordUpdate ownership rules', () => {
  const info = schemaInfoOf({ apiVersion: 'v1', kind: 'ConfigMap' });
  const cm = (data: Record<string, string>, mf?: ManagedFieldsEntry[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n', ...(mf ? { managedFields: mf } : {}) },
    data,
  });
  const fieldsOf = (o: KubeObject) =>
    Object.fromEntries((o.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));

  it('takes changed fields from other managers and drops emptied entries', () => {
    const a = recordUpdate(undefined, cm({ x: '1', y: '2' }), 'alice', 'v1', undefined, NOW, info);
    const b = recordUpdate(a, { ...cm({ x: '9', y: '2' }), metadata: a.metadata }, 'bob', 'v1', undefined, NOW, info);
    expect(fieldsOf(b)).toEqual({ alice: { 'f:data': { '.': {}, 'f:y': {} } }, bob: { 'f:data': { 'f:x': {} } } });
    const c = recordUpdate(b, { ...cm({ y: '2' }), metadata: b.metadata }, 'carol', 'v1', undefined, NOW, info);
    // x removed: bob's only field is gone, so is bob; nobody gains anything, carol records nothing.
    expect(fieldsOf(c)).toEqual({ alice: { 'f:data': { '.': {}, 'f:y': {} } } });
  });

  it('clears managedFields sent as [] or [{}] and keeps them when omitted', () => {
    const a = recordUpdate(undefined, cm({ x: '1' }), 'alice', 'v1', undefined, NOW, info);
    const omitted = recordUpdate(a, cm({ x: '1' }), 'bob', 'v1', undefined, NOW, info);
    expect(omitted.metadata.managedFields).toEqual(a.metadata.managedFields);
    for (const reset of [[], [{}]] as unknown as ManagedFieldsEntry[][]) {
      const cleared = recordUpdate(a, cm({ x: '1' }, reset), 'bob', 'v1', undefined, NOW, info);
      expect(cleared.metadata.managedFields).toBeUndefined();
    }
  });

  it('caps Update entries at 10, folding the oldest into ancient-changes', () => {
    let o = recordUpdate(undefined, cm({ k0: '0' }), 'm0', 'v1', undefined, '2026-01-01T00:00:00Z', info);
    for (let i = 1; i <= MAX_UPDATE_MANAGERS; i++) {
      const data = { ...(o.data as Record<string, string>), [`k${i}`]: String(i) };
      o = recordUpdate(
        o,
        { ...o, data },
        `m${i}`,
        'v1',
        undefined,
        `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`,
        info,
      );
    }
    const managers = o.metadata.managedFields!.map((e) => e.manager);
    expect(managers).toHaveLength(MAX_UPDATE_MANAGERS);
    expect(managers[0]).toBe('ancient-changes');
  });
});

describe('encodeManagedFields', () => {
  it('orders Apply before Update, then time, manager, apiVersion, subresource', () => {
    const e = (
      manager: string,
      operation: 'Apply' | 'Update',
      time: string,
      subresource?: string,
    ): ManagedFieldsEntry => ({
      manager,
      operation,
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:a': {} },
      ...(subresource ? { subresource } : {}),
    });
    const entries = [
      e('z', 'Update', '2026-01-01T00:00:01Z'),
      e('b', 'Update', '2026-01-01T00:00:00Z', 'status'),
      e('b', 'Update', '2026-01-01T00:00:00Z'),
      e('y', 'Apply', '2026-01-01T00:00:09Z'),
    ];
    const out = encodeManagedFields(decodeManagedFields(entries));
    expect(out.map((x) => `${x.operation}/${x.manager}/${x.subresource ?? ''}`)).toEqual([
      'Apply/y/',
      'Update/b/',
      'Update/b/status',
      'Update/z/',
    ]);
    expect(FieldSet.fromFieldsV1(out[0].fieldsV1).paths()).toEqual([['f:a']]);
  });
});

describe('managerFromRequest', () => {
  it.each([
    ['helm', 'Helm/4.0.0', 'helm'],
    [undefined, 'kubectl/v1.35.0 (linux/amd64) kubernetes/abcdef', 'kubectl'],
    [undefined, 'kubectl-client-side-apply/v1.35.0', 'kubectl-client-side-apply'],
    [undefined, 'python-requests/2.31.0', 'python-requests'],
    [undefined, 'helm/v4.0.0', 'helm'],
    [undefined, undefined, ''],
    ['', 'node-fetch', 'node-fetch'],
    [undefined, 'bad\u0007agent/1', 'badagent'],
    [undefined, 'x'.repeat(200), 'x'.repeat(128)],
  ])('fieldManager=%p userAgent=%p -> %p', (fm, ua, want) => {
    expect(managerFromRequest(fm, ua)).toBe(want);
  });
});

describe('validatePatchOptions', () => {
  it('requires a field manager for apply', () => {
    expect(() => validatePatchOptions({ apply: true })).toThrow(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });
  it('refuses force on other patches', () => {
    expect(() => validatePatchOptions({ apply: false, force: true })).toThrow(
      'force: Forbidden: may not be specified for non-apply patch',
    );
  });
  it('accepts the usual requests', () => {
    expect(() => validatePatchOptions({ apply: true, fieldManager: 'helm', force: true })).not.toThrow();
    expect(() => validatePatchOptions({ apply: false })).not.toThrow();
  });
});
