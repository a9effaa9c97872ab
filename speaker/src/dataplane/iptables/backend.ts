/**
 * The iptables edge behind the dataplane's backend seam. iptables has no transaction worth diffing into: every apply
 * restores all our chains from the plan (kube-proxy's iptables mode does the same), reading what is there first, so
 * each apply also repairs whatever someone changed: there is no drift left to probe for.
 */
import type { ApplyStats, DataplaneBackend } from '../backend';
import type { DataplanePlan } from '../types';
import { IptablesDataplane, type IptablesDataplaneOptions } from './edge';

export function iptablesBackend(opts: IptablesDataplaneOptions = {}): DataplaneBackend {
  const dp = new IptablesDataplane(opts);
  return {
    name: 'iptables',
    async apply(_prev: DataplanePlan | undefined, next: DataplanePlan): Promise<ApplyStats> {
      await dp.sync(next);
      return { bytes: dp.lastBytes };
    },
    drifted: () => Promise.resolve(false),
    cleanup: () => dp.cleanup(),
  };
}
