import { openapiResponse, openapiV2Document, openapiV3Document, openapiV3Index } from './openapi';
import { BUILTIN_RESOURCES } from './registry';
import { POOL_CRD, POOL_INFO } from './test-fixtures';

const resources = [...BUILTIN_RESOURCES, POOL_INFO];

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string }>; 'x-kubernetes-group-version-kind'?: unknown }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};

describe('OpenAPI v3', () => {
  it('index lists every served group-version with a hashed URL', () => {
    const index = openapiV3Index(resources, [POOL_CRD]) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/ironlb.io/v1beta1']),
    );
    expect(index.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('the PATCH operation lists fieldValidation, so kubectl validates server-side', () => {
    const doc = openapiV3Document(resources, [], 'api/v1') as unknown as Doc;
    const patch = doc.paths['/api/v1/namespaces/{namespace}/services/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Service', version: 'v1' });
    expect(patch.parameters?.map((p) => p.name)).toContain('fieldValidation');
    expect(doc.paths['/api/v1/nodes/{name}/status'].patch).toBeDefined();
  });

  it('Service ports carry the merge key and list-map keys kubectl apply and SSA use', () => {
    const doc = openapiV3Document(resources, [], 'api/v1') as unknown as Doc;
    const svc = doc.components.schemas['io.k8s.api.core.v1.Service'];
    expect(svc['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Service', version: 'v1' }]);
    const spec = doc.components.schemas['io.k8s.api.core.v1.ServiceSpec'] as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(spec.properties.ports).toMatchObject({
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      'x-kubernetes-list-type': 'map',
    });
    const container = doc.components.schemas['io.k8s.api.core.v1.Container'] as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(container.properties.env).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name' });
    expect(container.properties.ports).toMatchObject({ 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    // every $ref resolves within the document
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      expect(doc.components.schemas[m[1]]).toBeDefined();
  });

  it('CRDs publish their openAPIV3Schema with ObjectMeta and the GVK', () => {
    const doc = openapiV3Document(resources, [POOL_CRD], 'apis/ironlb.io/v1beta1') as unknown as Doc;
    const pool = doc.components.schemas['io.ironlb.v1beta1.IPAddressPool'] as {
      properties: Record<string, unknown>;
      'x-kubernetes-group-version-kind': unknown;
    };
    expect(pool['x-kubernetes-group-version-kind']).toEqual([
      { group: 'ironlb.io', kind: 'IPAddressPool', version: 'v1beta1' },
    ]);
    expect(Object.keys(pool.properties).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(doc.components.schemas['io.ironlb.v1beta1.IPAddressPoolList']).toBeDefined();
  });
});

describe('openapiResponse', () => {
  it('routes and negotiates', () => {
    expect(openapiResponse('/openapi/v3', 'application/json, */*', resources)?.status).toBe(200);
    expect(openapiResponse('/openapi/v3/api/v1', 'application/json', resources)?.status).toBe(200);
    expect(openapiResponse('/openapi/v3/apis/nope/v1', 'application/json', resources)?.status).toBe(404);
    // kubectl asks for v2 as protobuf only: "not acceptable" makes client-go fall back cleanly
    expect(
      openapiResponse('/openapi/v2', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', resources)?.status,
    ).toBe(406);
    expect(openapiResponse('/api/v1', 'application/json', resources)).toBeUndefined();
  });

  it('v2 JSON has definitions with #/definitions refs', () => {
    const v2 = openapiV2Document(resources, [POOL_CRD]) as { swagger: string; definitions: Record<string, unknown> };
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions['io.k8s.api.core.v1.Service']).toBeDefined();
    expect(JSON.stringify(v2)).not.toContain('#/components/');
  });
});
