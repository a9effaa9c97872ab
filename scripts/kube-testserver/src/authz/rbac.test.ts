import type { KubeObject } from '../types';
import {
  forbiddenMessage,
  rbacAllows,
  requestVerb,
  selectedName,
  userFromToken,
  type RbacObjects,
  type RequestAttributes,
} from './rbac';

const obj = (kind: string, name: string, namespace: string | undefined, rest: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...rest,
  }) as KubeObject;

const SPEAKER = userFromToken('system:serviceaccount:ironlb-system:ironlb-speaker');
if (!SPEAKER) throw new Error('no user');

/** The chart's speaker RBAC, reduced to what the cases need. */
const CHART: RbacObjects = {
  clusterRoles: [
    obj('ClusterRole', 'ironlb-speaker', undefined, {
      rules: [
        { apiGroups: [''], resources: ['services', 'nodes'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    }),
  ],
  clusterRoleBindings: [
    obj('ClusterRoleBinding', 'ironlb-speaker', undefined, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ironlb-speaker' },
      subjects: [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }],
    }),
  ],
  roles: [
    obj('Role', 'ironlb-speaker', 'ironlb-system', {
      rules: [
        { apiGroups: ['ironlb.io'], resources: ['servicel2statuses/status'], verbs: ['patch'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['ironlb-heartbeat-key'], verbs: ['list', 'watch'] },
      ],
    }),
  ],
  roleBindings: [
    obj('RoleBinding', 'ironlb-speaker', 'ironlb-system', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ironlb-speaker' },
      subjects: [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }],
    }),
  ],
};

const req = (a: Partial<RequestAttributes>): RequestAttributes => ({
  verb: 'get',
  apiGroup: '',
  resource: 'services',
  ...a,
});

describe('userFromToken', () => {
  it('takes a service account token as that account, with its groups', () => {
    expect(userFromToken('system:serviceaccount:ironlb-system:ironlb-speaker')).toEqual({
      name: 'system:serviceaccount:ironlb-system:ironlb-speaker',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ironlb-system', 'system:authenticated'],
    });
  });
  it.each([
    undefined,
    '',
    'ironlb-kube-token',
    'system:serviceaccount:ns',
    'system:serviceaccount::x',
    'system:serviceaccount:a:b:c',
  ])('takes %p as the admin', (token) => expect(userFromToken(token)).toBeUndefined());
});

describe('requestVerb', () => {
  it.each([
    ['GET', false, false, 'list'],
    ['GET', true, false, 'get'],
    ['GET', false, true, 'watch'],
    ['GET', true, true, 'watch'],
    ['HEAD', true, false, 'get'],
    ['POST', false, false, 'create'],
    ['PUT', true, false, 'update'],
    ['PATCH', true, false, 'patch'],
    ['DELETE', true, false, 'delete'],
    ['DELETE', false, false, 'deletecollection'],
    ['OPTIONS', false, false, 'options'],
  ])('%s (name %p, watch %p) is %s', (method, hasName, watching, verb) => {
    expect(requestVerb(method, hasName, watching)).toBe(verb);
  });
});

describe('selectedName', () => {
  it('reads metadata.name from a field selector, = or ==', () => {
    expect(selectedName('metadata.name=ironlb-heartbeat-key')).toBe('ironlb-heartbeat-key');
    expect(selectedName('type=x, metadata.name==k')).toBe('k');
  });
  it('is undefined without one', () => {
    expect(selectedName(null)).toBeUndefined();
    expect(selectedName('metadata.namespace=x')).toBeUndefined();
    expect(selectedName('metadata.name!=x')).toBeUndefined();
  });
});

describe('rbacAllows', () => {
  it('allows what a bound ClusterRole grants, anywhere', () => {
    expect(rbacAllows(SPEAKER, req({ verb: 'list' }), CHART)).toBe(true);
    expect(rbacAllows(SPEAKER, req({ verb: 'watch', namespace: 'default' }), CHART)).toBe(true);
    expect(
      rbacAllows(SPEAKER, req({ verb: 'list', apiGroup: 'discovery.k8s.io', resource: 'endpointslices' }), CHART),
    ).toBe(true);
  });
  it('refuses a verb, a group or a resource the rules do not name', () => {
    expect(rbacAllows(SPEAKER, req({ verb: 'create', resource: 'nodes' }), CHART)).toBe(false);
    expect(rbacAllows(SPEAKER, req({ verb: 'list', apiGroup: 'apps' }), CHART)).toBe(false);
    expect(rbacAllows(SPEAKER, req({ verb: 'list', resource: 'pods' }), CHART)).toBe(false);
  });
  it('holds a Role to its namespace, and to the subresource it names', () => {
    const patch = req({
      verb: 'patch',
      apiGroup: 'ironlb.io',
      resource: 'servicel2statuses',
      subresource: 'status',
      namespace: 'ironlb-system',
      name: 'a',
    });
    expect(rbacAllows(SPEAKER, patch, CHART)).toBe(true);
    expect(rbacAllows(SPEAKER, { ...patch, namespace: 'default' }, CHART)).toBe(false);
    expect(rbacAllows(SPEAKER, { ...patch, subresource: undefined }, CHART)).toBe(false);
    expect(rbacAllows(SPEAKER, { ...patch, namespace: undefined }, CHART)).toBe(false);
  });
  it('grants resourceNames rules to that name only, never to an unnamed list', () => {
    const watch = req({ verb: 'watch', resource: 'secrets', namespace: 'ironlb-system', name: 'ironlb-heartbeat-key' });
    expect(rbacAllows(SPEAKER, watch, CHART)).toBe(true);
    expect(rbacAllows(SPEAKER, { ...watch, name: 'other' }, CHART)).toBe(false);
    expect(rbacAllows(SPEAKER, { ...watch, name: undefined }, CHART)).toBe(false);
  });
  it('matches wildcards and */subresource as the real authorizer does', () => {
    const all = (rule: Record<string, unknown>): RbacObjects => ({
      ...CHART,
      clusterRoles: [obj('ClusterRole', 'ironlb-speaker', undefined, { rules: [rule] })],
    });
    const scale = req({
      verb: 'update',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'x',
    });
    expect(rbacAllows(SPEAKER, scale, all({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }))).toBe(true);
    expect(rbacAllows(SPEAKER, scale, all({ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }))).toBe(
      true,
    );
    expect(
      rbacAllows(
        SPEAKER,
        { ...scale, subresource: undefined },
        all({ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }),
      ),
    ).toBe(false);
    expect(
      rbacAllows(SPEAKER, scale, all({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['update'] })),
    ).toBe(false);
  });
  it("binds by ServiceAccount (namespace defaulting to the binding's), Group and User", () => {
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
    const withSubject = (subject: Record<string, unknown>, kind = 'RoleBinding'): RbacObjects => ({
      clusterRoles: [obj('ClusterRole', 'pods', undefined, { rules })],
      clusterRoleBindings: [],
      roles: [],
      roleBindings: [
        obj(kind, 'b', 'ironlb-system', { roleRef: { kind: 'ClusterRole', name: 'pods' }, subjects: [subject] }),
      ],
    });
    const get = req({ resource: 'pods', namespace: 'ironlb-system', name: 'p' });
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'ServiceAccount', name: 'ironlb-speaker' }))).toBe(true);
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'ServiceAccount', name: 'ironlb-controller' }))).toBe(false);
    expect(
      rbacAllows(SPEAKER, get, withSubject({ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'other' })),
    ).toBe(false);
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'Group', name: 'system:serviceaccounts:ironlb-system' }))).toBe(
      true,
    );
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'Group', name: 'system:masters' }))).toBe(false);
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'User', name: SPEAKER.name }))).toBe(true);
    expect(rbacAllows(SPEAKER, get, withSubject({ kind: 'Other', name: SPEAKER.name }))).toBe(false);
    // A RoleBinding to a ClusterRole grants it in the binding's namespace only.
    expect(
      rbacAllows(
        SPEAKER,
        { ...get, namespace: 'default' },
        withSubject({ kind: 'ServiceAccount', name: 'ironlb-speaker' }),
      ),
    ).toBe(false);
  });
  it('ignores a binding whose role is missing, or a ClusterRoleBinding to a Role', () => {
    const broken: RbacObjects = {
      ...CHART,
      clusterRoleBindings: [
        obj('ClusterRoleBinding', 'x', undefined, {
          roleRef: { kind: 'Role', name: 'ironlb-speaker' },
          subjects: [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }],
        }),
      ],
      roles: [],
    };
    expect(rbacAllows(SPEAKER, req({ verb: 'list' }), broken)).toBe(false);
    expect(
      rbacAllows(
        SPEAKER,
        req({
          verb: 'patch',
          apiGroup: 'ironlb.io',
          resource: 'servicel2statuses',
          subresource: 'status',
          namespace: 'ironlb-system',
        }),
        broken,
      ),
    ).toBe(false);
  });
});

describe('forbiddenMessage', () => {
  it('words a refusal as the real API server does', () => {
    expect(forbiddenMessage(SPEAKER, req({ verb: 'create', resource: 'nodes' }))).toBe(
      'nodes is forbidden: User "system:serviceaccount:ironlb-system:ironlb-speaker" cannot create resource "nodes" in API group "" at the cluster scope',
    );
    expect(
      forbiddenMessage(
        SPEAKER,
        req({
          verb: 'get',
          apiGroup: 'coordination.k8s.io',
          resource: 'leases',
          namespace: 'ironlb-system',
          name: 'l',
        }),
      ),
    ).toBe(
      'leases.coordination.k8s.io "l" is forbidden: User "system:serviceaccount:ironlb-system:ironlb-speaker" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "ironlb-system"',
    );
    expect(
      forbiddenMessage(
        SPEAKER,
        req({ verb: 'update', resource: 'services', subresource: 'status', namespace: 'd', name: 's' }),
      ),
    ).toBe(
      'services "s" is forbidden: User "system:serviceaccount:ironlb-system:ironlb-speaker" cannot update resource "services/status" in API group "" in the namespace "d"',
    );
  });
});
