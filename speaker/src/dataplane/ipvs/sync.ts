/**
 * Bringing the kernel's IPVS table to a desired state, two ways: from the state last applied (the ordinary change:
 * no read), or from what the kernel holds on our addresses (a resync at start, or after a command failed).
 */
import { formatIP } from '@ironlb/shared';
import { diffIpvs, type IpvsCommand } from './diff';
import type { IpvsEdge, IpvsFailure } from './edge';
import { ownedState, type IpvsState } from './model';
import { EEXIST, EINVAL, ENOENT, EPERM, ESRCH, EAFNOSUPPORT } from './uapi';

export interface IpvsSyncResult {
  readonly commands: readonly IpvsCommand[];
  readonly failures: readonly IpvsFailure[];
  /** From a resync: services in the table we leave alone (firewall marks, other protocols). */
  readonly foreign: readonly string[];
}

/** From the state last applied; after any failure the next call should be a resync. */
export async function updateIpvs(edge: IpvsEdge, previous: IpvsState, desired: IpvsState): Promise<IpvsSyncResult> {
  const commands = diffIpvs(previous, desired);
  return { commands, failures: await edge.apply(commands), foreign: [] };
}

/**
 * From the kernel's table. Ours are the services on `owned` addresses (the VIPs on ironlb-ipvs0, the state last
 * applied) and on the desired VIPs; the rest of the table is someone else's and stays as it is.
 */
export async function resyncIpvs(
  edge: IpvsEdge,
  desired: IpvsState,
  owned: ReadonlySet<string>,
): Promise<IpvsSyncResult> {
  const { state, foreign } = await edge.dump();
  const addresses = new Set(owned);
  for (const v of desired.values()) addresses.add(formatIP(v.service.addr));
  const commands = diffIpvs(ownedState(state, addresses), desired);
  return { commands, failures: await edge.apply(commands), foreign };
}

function commandText(command: IpvsCommand): string {
  if (command.op === 'flush') return 'flush';
  const s = command.service;
  const service = `${formatIP(s.addr)} ${s.protocol} ${s.port}`;
  return 'dest' in command
    ? `${command.op} ${formatIP(command.dest.addr)} ${command.dest.port} of ${service}`
    : `${command.op} ${service}`;
}

function reasonText(command: IpvsCommand, errno: number): string {
  switch (errno) {
    case EEXIST:
      return 'it already exists';
    case ESRCH:
      return 'no such virtual service';
    case ENOENT:
      // A service is refused ENOENT when its scheduler cannot be found (ip_vs_scheduler_get), a destination when
      // it is not in the service.
      return command.op === 'newService' || command.op === 'setService'
        ? `no scheduler "${command.service.scheduler}" (load the ip_vs_${command.service.scheduler} module)`
        : 'no such destination';
    case EPERM:
      return 'not permitted (IPVS needs CAP_NET_ADMIN)';
    case EAFNOSUPPORT:
      return 'address family not supported (IPv6 needs a kernel with CONFIG_IP_VS_IPV6)';
    case EINVAL:
      return 'the kernel refused it as invalid';
    default:
      return `errno ${errno}`;
  }
}

/** A refused command in words, for the log: what it was and the kernel's reason as IPVS means it. */
export function ipvsFailureText({ command, errno }: IpvsFailure): string {
  return `IPVS ${commandText(command)}: ${reasonText(command, errno)}`;
}
