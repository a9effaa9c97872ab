import { matchingWebhooks, namespaceSelectorMatches, objectSelectorMatches, ruleMatches } from './match';
import type { AdmissionAttributes } from './types';
import type { KubeObject } from '../types';

const obj = (labels: Record<string, string> = {}, namespace?: string): KubeObject => ({
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'pool', ...(namespace ? { namespace } : {}), labels },
});

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  group: 'ironlb.io',
  version: 'v1beta1',
  resource: 'ipaddresspools',
  subresource: '',
  kind: 'IPAddressPool',
  namespace: 'ironlb',
  name: 'pool',
  object: obj({}, 'ironlb'),
  dryRun: false,
  options: {},
  ...over,
});

const rule = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  operations: ['CREATE', 'UPDATE'],
  apiGroups: ['ironlb.io'],
  apiVersions: ['v1beta1'],
  resources: ['ipaddresspools'],
  scope: '*',
  ...over,
});

describe('ruleMatches', () => {
  it('matches on operation, group, version and resource, each listed or *', () => {
    expect(ruleMatches(rule(), attrs())).toBe(true);
    expect(ruleMatches(rule(), attrs({ operation: 'DELETE' }))).toBe(false);
    expect(ruleMatches(rule({ operations: ['*'] }), attrs({ operation: 'DELETE' }))).toBe(true);
    expect(ruleMatches(rule(), attrs({ group: 'metallb.io' }))).toBe(false);
    expect(ruleMatches(rule({ apiGroups: ['*'] }), attrs({ group: 'metallb.io' }))).toBe(true);
    expect(ruleMatches(rule(), attrs({ version: 'v1' }))).toBe(false);
    expect(ruleMatches(rule({ apiVersions: ['*'] }), attrs({ version: 'v1' }))).toBe(true);
    expect(ruleMatches(rule(), attrs({ resource: 'bgppeers' }))).toBe(false);
    expect(ruleMatches(rule({ resources: ['bgppeers', 'ipaddresspools'] }), attrs())).toBe(true);
    expect(ruleMatches(rule({ resources: ['*'] }), attrs({ resource: 'bgppeers' }))).toBe(true);
  });

  it('names subresources: a bare resource is the main one only, x/status the status, */* and x/* everything', () => {
    const status = attrs({ subresource: 'status', operation: 'UPDATE' });
    expect(ruleMatches(rule(), status)).toBe(false);
    expect(ruleMatches(rule({ resources: ['ipaddresspools/status'] }), status)).toBe(true);
    expect(ruleMatches(rule({ resources: ['ipaddresspools/status'] }), attrs())).toBe(false);
    expect(ruleMatches(rule({ resources: ['ipaddresspools/*'] }), status)).toBe(true);
    expect(ruleMatches(rule({ resources: ['*/status'] }), status)).toBe(true);
    expect(ruleMatches(rule({ resources: ['*/*'] }), status)).toBe(true);
    // A `*` subresource also covers the main resource (the matcher compares `*` with '' as with any name).
    expect(ruleMatches(rule({ resources: ['*/*'] }), attrs())).toBe(true);
    expect(ruleMatches(rule({ resources: ['ipaddresspools/*'] }), attrs())).toBe(true);
    expect(ruleMatches(rule({ resources: ['*'] }), status)).toBe(false);
  });

  it('scopes: Namespaced sees namespaced objects, Cluster sees cluster-scoped ones and Namespaces themselves', () => {
    const cluster = attrs({ namespace: '' });
    const namespace = attrs({ group: '', version: 'v1', resource: 'namespaces', namespace: 'ironlb' });
    const ns = (scope: string): Record<string, unknown> =>
      rule({ scope, apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] });
    expect(ruleMatches(ns('Namespaced'), attrs())).toBe(true);
    expect(ruleMatches(ns('Namespaced'), cluster)).toBe(false);
    expect(ruleMatches(ns('Namespaced'), namespace)).toBe(false);
    expect(ruleMatches(ns('Cluster'), attrs())).toBe(false);
    expect(ruleMatches(ns('Cluster'), cluster)).toBe(true);
    expect(ruleMatches(ns('Cluster'), namespace)).toBe(true);
    expect(ruleMatches(ns('*'), cluster)).toBe(true);
  });
});

describe('namespaceSelectorMatches', () => {
  const labels: Record<string, Record<string, string>> = { ironlb: { team: 'net' }, other: {} };
  const lookup = (n: string): Record<string, string> => labels[n] ?? {};
  const sel = { matchLabels: { team: 'net' } };

  it("reads the object's namespace labels; an empty selector matches everything", () => {
    expect(namespaceSelectorMatches(sel, attrs(), lookup)).toBe(true);
    expect(namespaceSelectorMatches(sel, attrs({ namespace: 'other' }), lookup)).toBe(false);
    expect(namespaceSelectorMatches({}, attrs({ namespace: 'other' }), lookup)).toBe(true);
  });

  it('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const expr = (operator: string, values?: string[]): Record<string, unknown> => ({
      matchExpressions: [{ key: 'team', operator, ...(values ? { values } : {}) }],
    });
    expect(namespaceSelectorMatches(expr('In', ['net', 'ops']), attrs(), lookup)).toBe(true);
    expect(namespaceSelectorMatches(expr('NotIn', ['net']), attrs(), lookup)).toBe(false);
    expect(namespaceSelectorMatches(expr('NotIn', ['net']), attrs({ namespace: 'other' }), lookup)).toBe(true);
    expect(namespaceSelectorMatches(expr('Exists'), attrs({ namespace: 'other' }), lookup)).toBe(false);
    expect(namespaceSelectorMatches(expr('DoesNotExist'), attrs({ namespace: 'other' }), lookup)).toBe(true);
  });

  it('cluster-scoped objects match any selector; a Namespace is judged by its own labels', () => {
    expect(namespaceSelectorMatches(sel, attrs({ namespace: '' }), lookup)).toBe(true);
    const namespace = (l: Record<string, string>, op: 'CREATE' | 'DELETE'): AdmissionAttributes =>
      attrs({
        group: '',
        version: 'v1',
        resource: 'namespaces',
        namespace: 'fresh',
        operation: op,
        ...(op === 'DELETE' ? { object: undefined, oldObject: obj(l) } : { object: obj(l) }),
      });
    expect(namespaceSelectorMatches(sel, namespace({ team: 'net' }, 'CREATE'), lookup)).toBe(true);
    expect(namespaceSelectorMatches(sel, namespace({}, 'CREATE'), lookup)).toBe(false);
    expect(namespaceSelectorMatches(sel, namespace({ team: 'net' }, 'DELETE'), lookup)).toBe(true);
  });
});

describe('objectSelectorMatches', () => {
  const sel = { matchLabels: { app: 'x' } };
  it('matches when the new or the old object matches', () => {
    expect(objectSelectorMatches(sel, attrs({ object: obj({ app: 'x' }) }))).toBe(true);
    expect(objectSelectorMatches(sel, attrs({ object: obj({ app: 'y' }) }))).toBe(false);
    expect(objectSelectorMatches(sel, attrs({ object: obj({}), oldObject: obj({ app: 'x' }) }))).toBe(true);
    expect(objectSelectorMatches(sel, attrs({ object: undefined, oldObject: undefined }))).toBe(false);
    expect(objectSelectorMatches({}, attrs({ object: undefined }))).toBe(true);
  });
});

describe('matchingWebhooks', () => {
  const hook = (name: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    rules: [rule()],
    namespaceSelector: {},
    objectSelector: {},
    sideEffects: 'None',
    ...over,
  });
  const config = (name: string, webhooks: Record<string, unknown>[]): Record<string, unknown> => ({
    metadata: { name },
    webhooks,
  });
  const none = (): Record<string, string> => ({});

  it('lists matching webhooks, configurations in name order', () => {
    const configs = [
      config('b', [hook('b1.ironlb.io'), hook('b2.ironlb.io', { rules: [rule({ operations: ['DELETE'] })] })]),
      config('a', [hook('a1.ironlb.io')]),
    ];
    expect(matchingWebhooks(configs, attrs(), none).map((m) => m.name)).toEqual(['a1.ironlb.io', 'b1.ironlb.io']);
    expect(matchingWebhooks(configs, attrs({ operation: 'DELETE' }), none).map((m) => m.name)).toEqual([
      'b2.ironlb.io',
    ]);
  });

  it('applies both selectors', () => {
    const configs = [
      config('a', [
        hook('ns.ironlb.io', { namespaceSelector: { matchLabels: { team: 'net' } } }),
        hook('obj.ironlb.io', { objectSelector: { matchLabels: { app: 'x' } } }),
      ]),
    ];
    expect(matchingWebhooks(configs, attrs(), () => ({ team: 'net' })).map((m) => m.name)).toEqual(['ns.ironlb.io']);
    expect(matchingWebhooks(configs, attrs({ object: obj({ app: 'x' }) }), none).map((m) => m.name)).toEqual([
      'obj.ironlb.io',
    ]);
  });

  it('dry runs call only webhooks without side effects (None, NoneOnDryRun)', () => {
    const configs = [
      config('a', [
        hook('none.ironlb.io'),
        hook('dry.ironlb.io', { sideEffects: 'NoneOnDryRun' }),
        hook('some.ironlb.io', { sideEffects: 'Some' }),
      ]),
    ];
    expect(matchingWebhooks(configs, attrs({ dryRun: true }), none).map((m) => m.name)).toEqual([
      'none.ironlb.io',
      'dry.ironlb.io',
    ]);
    expect(matchingWebhooks(configs, attrs(), none)).toHaveLength(3);
  });

  it('never calls webhooks for the webhook configurations themselves', () => {
    const configs = [config('a', [hook('all.ironlb.io', { rules: [rule({ apiGroups: ['*'], resources: ['*'] })] })])];
    const self = attrs({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      resource: 'validatingwebhookconfigurations',
      namespace: '',
    });
    expect(matchingWebhooks(configs, self, none)).toEqual([]);
    expect(matchingWebhooks(configs, attrs({ version: 'v1beta1' }), none)).toHaveLength(1);
  });
});
