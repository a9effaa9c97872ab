/** Config objects as users apply them, for this folder's tests: one builder per kind, all in one namespace. */

export const NS = 'ironlb-system';

export type ObjectBuilder = (name: string, spec: unknown, extra?: Record<string, unknown>) => Record<string, unknown>;

/** `ironlbObject('BGPPeer')('tor1', {...})`: an ironlb.io/v1beta1 object of the kind, `extra` merged on top. */
export const ironlbObject =
  (kind: string): ObjectBuilder =>
  (name, spec, extra = {}) => ({
    apiVersion: 'ironlb.io/v1beta1',
    kind,
    metadata: { name, namespace: NS },
    spec,
    ...extra,
  });
