import type { KubeObject } from '../types';
import type { ResourceInfo } from './registry';

/** A CRD and its resource, shared by the tests of this directory. */
export const POOL_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'ipaddresspools.ironlb.io' },
  spec: {
    group: 'ironlb.io',
    names: {
      kind: 'IPAddressPool',
      plural: 'ipaddresspools',
      singular: 'ipaddresspool',
      listKind: 'IPAddressPoolList',
    },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                description: 'IPAddressPoolSpec: the addresses to hand out.',
                properties: {
                  addresses: { type: 'array', items: { type: 'string' } },
                  autoAssign: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
    ],
  },
};
export const POOL_INFO: ResourceInfo = {
  group: 'ironlb.io',
  version: 'v1beta1',
  resource: 'ipaddresspools',
  singular: 'ipaddresspool',
  kind: 'IPAddressPool',
  listKind: 'IPAddressPoolList',
  namespaced: true,
  shortNames: ['pool'],
  categories: [],
  verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
  subresources: ['status'],
  crd: 'ipaddresspools.ironlb.io',
};
