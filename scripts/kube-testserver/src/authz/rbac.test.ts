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

describe('rbacAllows: what must not match', () => {
  const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
  const get = req({ resource: 'pods', namespace: 'ironlb-system', name: 'p' });
  const cluster = (
    subjects: unknown[],
    roleRef: Record<string, unknown> = { kind: 'ClusterRole', name: 'pods' },
  ): RbacObjects => ({
    clusterRoles: [
      obj('ClusterRole', 'nothing', undefined, { rules: [] }),
      obj('ClusterRole', 'pods', undefined, { rules }),
    ],
    clusterRoleBindings: [obj('ClusterRoleBinding', 'b', undefined, { roleRef, subjects })],
    roles: [],
    roleBindings: [],
  });
  const user = (token: string) => {
    const u = userFromToken(token);
    if (!u) throw new Error(token);
    return u;
  };

  it('a ServiceAccount subject without a namespace in a ClusterRoleBinding matches nobody', () => {
    const odd = user('system:serviceaccount:undefined:ironlb-speaker');
    expect(rbacAllows(odd, get, cluster([{ kind: 'ServiceAccount', name: 'ironlb-speaker' }]))).toBe(false);
  });
  it('a ServiceAccount subject without a name matches nobody', () => {
    const odd = user('system:serviceaccount:ironlb-system:undefined');
    expect(rbacAllows(odd, get, cluster([{ kind: 'ServiceAccount', namespace: 'ironlb-system' }]))).toBe(false);
  });
  it('a subject of another kind does not match, even naming a group of the user', () => {
    expect(rbacAllows(SPEAKER, get, cluster([{ kind: 'Other', name: 'system:authenticated' }]))).toBe(false);
  });
  it('resourceNames: any of the names listed', () => {
    const named = cluster([{ kind: 'Group', name: 'system:authenticated' }], { kind: 'ClusterRole', name: 'n' });
    named.clusterRoles = [
      obj('ClusterRole', 'n', undefined, {
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: ['o', 'p'] }],
      }),
    ];
    expect(rbacAllows(SPEAKER, get, named)).toBe(true);
  });
  it('a User or Group subject of another name does not match', () => {
    expect(rbacAllows(SPEAKER, get, cluster([{ kind: 'User', name: 'alice' }]))).toBe(false);
    expect(rbacAllows(SPEAKER, get, cluster([{ kind: 'Group' }]))).toBe(false);
  });
  it('one matching subject among others is enough', () => {
    const subjects = [
      { kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' },
    ];
    expect(rbacAllows(SPEAKER, get, cluster(subjects))).toBe(true);
  });
  it("only the bound ClusterRole's rules count, not another's", () => {
    const sa = [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }];
    expect(rbacAllows(SPEAKER, get, cluster(sa, { kind: 'ClusterRole', name: 'nothing' }))).toBe(false);
    expect(rbacAllows(SPEAKER, get, cluster(sa, { kind: 'ClusterRole', name: 'missing' }))).toBe(false);
  });
  it("a RoleBinding's Role is the one of its name in its namespace; a roleRef of another kind grants nothing", () => {
    const sa = [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }];
    const withRoles = (roles: KubeObject[], roleRef: Record<string, unknown>): RbacObjects => ({
      clusterRoles: [obj('ClusterRole', 'pods', undefined, { rules })],
      clusterRoleBindings: [],
      roles,
      roleBindings: [obj('RoleBinding', 'b', 'ironlb-system', { roleRef, subjects: sa })],
    });
    const ref = { kind: 'Role', name: 'pods' };
    expect(rbacAllows(SPEAKER, get, withRoles([obj('Role', 'pods', 'ironlb-system', { rules })], ref))).toBe(true);
    expect(rbacAllows(SPEAKER, get, withRoles([obj('Role', 'pods', 'other', { rules })], ref))).toBe(false);
    expect(rbacAllows(SPEAKER, get, withRoles([obj('Role', 'else', 'ironlb-system', { rules })], ref))).toBe(false);
    expect(rbacAllows(SPEAKER, get, withRoles([], { kind: 'Other', name: 'pods' }))).toBe(false);
  });
  it('a cluster-scoped request is granted by no RoleBinding', () => {
    const sa = [{ kind: 'ServiceAccount', name: 'ironlb-speaker', namespace: 'ironlb-system' }];
    const o: RbacObjects = {
      clusterRoles: [
        obj('ClusterRole', 'nodes', undefined, { rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] }),
      ],
      clusterRoleBindings: [],
      roles: [],
      roleBindings: [
        obj('RoleBinding', 'b', 'ironlb-system', { roleRef: { kind: 'ClusterRole', name: 'nodes' }, subjects: sa }),
      ],
    };
    expect(rbacAllows(SPEAKER, req({ resource: 'nodes', name: 'n' }), o)).toBe(false);
  });
  it('a rule for "*/sub" does not grant the resource itself; entries that are not strings are ignored', () => {
    const only = (rule: Record<string, unknown>): RbacObjects => ({
      clusterRoles: [obj('ClusterRole', 'x', undefined, { rules: [rule] })],
      clusterRoleBindings: [
        obj('ClusterRoleBinding', 'b', undefined, {
          roleRef: { kind: 'ClusterRole', name: 'x' },
          subjects: [{ kind: 'Group', name: 'system:authenticated' }],
        }),
      ],
      roles: [],
      roleBindings: [],
    });
    expect(rbacAllows(SPEAKER, get, only({ apiGroups: [''], resources: ['*/undefined'], verbs: ['get'] }))).toBe(false);
    // The real server's validation stores strings only; anything else here is as if absent.
    expect(
      rbacAllows(SPEAKER, get, only({ apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: [7] })),
    ).toBe(true);
    expect(rbacAllows(SPEAKER, get, only({ apiGroups: [''], resources: ['pods'], verbs: [7, 'get'] }))).toBe(true);
  });
});

describe('selectedName: anchored', () => {
  it('reads metadata.name only at the start of a term', () => {
    expect(selectedName('xmetadata.name=a')).toBeUndefined();
    expect(selectedName('')).toBeUndefined();
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
