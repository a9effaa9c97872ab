/**
 * The namespace's current ironlb.io objects, listed per request: the controller keeps an informer of pools only
 * (and only while it leads), and a standby replica answers webhook calls too, so each review reads what the API
 * server has now. Six namespaced lists; a review is rare (a user applying config), so the cost does not matter.
 */
import type { NamespacedApi } from '@ironlb/shared/k8s';
import { CONFIG_KINDS, type ConfigKind, type CurrentObjects } from './validate';

export type ObjectLister = () => Promise<CurrentObjects>;

export function apiLister(api: NamespacedApi): ObjectLister {
  return async () => {
    const kinds = Object.keys(CONFIG_KINDS) as ConfigKind[];
    const lists = await Promise.all(kinds.map((k) => api.listCustom(CONFIG_KINDS[k].plural)));
    return Object.fromEntries(kinds.map((k, i) => [k, lists[i]?.items ?? []]));
  };
}
