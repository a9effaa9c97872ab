/**
 * From one IPVS state to another as the ordered list of generic netlink commands. The order keeps traffic flowing:
 * new services first (with their destinations), then changed settings, then per service new destinations before
 * removed ones (a service never passes through having none when it has some before and after), and services that
 * go last (the kernel drops a service's destinations with it, so no IPVS_CMD_DEL_DEST is sent for them).
 * Services and destinations are visited by key, so the same states always give the same list.
 */
import {
  destSettingsDiffer,
  serviceSettingsDiffer,
  type IpvsDest,
  type IpvsService,
  type IpvsState,
  type IpvsVirtual,
} from './model';

export type IpvsCommand =
  | { readonly op: 'newService'; readonly service: IpvsService }
  | { readonly op: 'setService'; readonly service: IpvsService }
  | { readonly op: 'delService'; readonly service: IpvsService }
  | { readonly op: 'newDest'; readonly service: IpvsService; readonly dest: IpvsDest }
  | { readonly op: 'setDest'; readonly service: IpvsService; readonly dest: IpvsDest }
  | { readonly op: 'delDest'; readonly service: IpvsService; readonly dest: IpvsDest }
  /** Every service and destination of the namespace: not produced by diff (the table is not all ours). */
  | { readonly op: 'flush' };

const byKey = <T>(m: ReadonlyMap<string, T>): [string, T][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function destChanges(from: IpvsVirtual, to: IpvsVirtual): IpvsCommand[] {
  const service = to.service;
  const adds: IpvsCommand[] = [];
  const sets: IpvsCommand[] = [];
  const dels: IpvsCommand[] = [];
  for (const [key, dest] of byKey(to.dests)) {
    const old = from.dests.get(key);
    if (!old) adds.push({ op: 'newDest', service, dest });
    else if (destSettingsDiffer(old, dest)) sets.push({ op: 'setDest', service, dest });
  }
  for (const [key, dest] of byKey(from.dests)) if (!to.dests.has(key)) dels.push({ op: 'delDest', service, dest });
  return [...adds, ...sets, ...dels];
}

/** The commands that turn `from` (the previous desired state, or the kernel's owned part) into `to`. */
export function diffIpvs(from: IpvsState, to: IpvsState): IpvsCommand[] {
  const created: IpvsCommand[] = [];
  const changed: IpvsCommand[] = [];
  const dests: IpvsCommand[] = [];
  const removed: IpvsCommand[] = [];
  for (const [key, next] of byKey(to)) {
    const prev = from.get(key);
    if (!prev) {
      created.push({ op: 'newService', service: next.service });
      for (const [, dest] of byKey(next.dests)) created.push({ op: 'newDest', service: next.service, dest });
      continue;
    }
    if (serviceSettingsDiffer(prev.service, next.service)) changed.push({ op: 'setService', service: next.service });
    dests.push(...destChanges(prev, next));
  }
  for (const [key, prev] of byKey(from)) if (!to.has(key)) removed.push({ op: 'delService', service: prev.service });
  return [...created, ...changed, ...dests, ...removed];
}
