/**
 * IPVS behind the dataplane's backend seam: the VIPs this node serves on the dummy link (IPVS sees only packets to
 * local addresses), then the virtual services as a diff from the last apply, or from the kernel's own table on a
 * full apply (start, resync, after a failure). Untested against a kernel here (no ip_vs on our machines).
 */
import { formatIP } from '@ironlb/shared';
import type { ApplyStats, DataplaneBackend } from '../backend';
import type { DataplanePlan } from '../types';
import { openIpvs, type IpvsEdge } from './edge';
import { desiredState } from './model';
import { ipvsFailureText, resyncIpvs, updateIpvs } from './sync';
import { ipCommandVipLink, syncVips } from './vipLink';

export function ipvsBackend(): DataplaneBackend {
  let edge: IpvsEdge | undefined;
  const link = ipCommandVipLink();
  return {
    name: 'ipvs',
    async apply(prev: DataplanePlan | undefined, next: DataplanePlan, full: boolean): Promise<ApplyStats> {
      edge ??= await openIpvs();
      await link.ensure();
      // Read before the link changes: a VIP leaving it is still ours, and so are its services.
      const owned = new Set((await link.addresses()).map(formatIP));
      const vips = [...new Map([...next.forwards.values()].map((f) => [formatIP(f.ip), f.ip])).values()];
      await syncVips(link, vips);
      const desired = desiredState(next);
      const result =
        full || !prev ? await resyncIpvs(edge, desired, owned) : await updateIpvs(edge, desiredState(prev), desired);
      if (result.failures.length > 0) throw new Error(result.failures.map(ipvsFailureText).join('; '));
      return { bytes: 0 };
    },
    drifted: () => Promise.resolve(false),
    async cleanup(): Promise<void> {
      if (edge) {
        const owned = new Set((await link.addresses()).map(formatIP));
        await resyncIpvs(edge, new Map(), owned);
      }
      await link.destroy();
    },
  };
}
