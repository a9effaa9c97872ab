/**
 * The next hop this node gives a peer for a route: an address of the node in the route's family. Decided in the
 * pure plan from the node's interface table (the daemon re-reads it on every link change), not at apply time in the
 * edge, so a plan says exactly what each router is told and a test can check it.
 *
 * The rule, first match wins:
 * 1. BGPPeer.sourceAddress, when it is of the route's family (the session is bound to it);
 * 2. the node's address whose subnet holds the peer's address (a directly connected router; the longest such
 *    subnet), for the peer's own family, or that address's interface's first address of the other family (IPv6
 *    routes over an IPv4 session, and back);
 * 3. the node's first address of the family (interfaces in name order): a router several hops away should be given
 *    a sourceAddress for a definite next hop.
 */
import { BITS, type IPFamily, type ParsedIP } from '@ironlb/shared';
import type { BGPPeer } from '@ironlb/shared/config';
import type { InterfaceAddress, LocalInterface } from '../l2/interfaces';

function inSubnet(ip: ParsedIP, a: InterfaceAddress): boolean {
  if (ip.family !== a.ip.family) return false;
  const host = BigInt(BITS[ip.family] - a.prefixLength);
  return ip.value >> host === a.ip.value >> host;
}

export function nextHopFor(
  peer: Pick<BGPPeer, 'peerAddress' | 'sourceAddress'>,
  family: IPFamily,
  local: readonly LocalInterface[],
): ParsedIP | undefined {
  if (peer.sourceAddress?.family === family) return peer.sourceAddress;
  // The longest subnet holding the peer, as the kernel's route lookup would pick it.
  let facing: { readonly iface: LocalInterface; readonly address: InterfaceAddress } | undefined;
  for (const iface of local) {
    for (const address of iface.addresses) {
      if (inSubnet(peer.peerAddress, address) && address.prefixLength > (facing?.address.prefixLength ?? -1)) {
        facing = { iface, address };
      }
    }
  }
  if (facing) {
    if (facing.address.ip.family === family) return facing.address.ip;
    const other = facing.iface.addresses.find((a) => a.ip.family === family);
    if (other) return other.ip;
  }
  for (const i of local) {
    const a = i.addresses.find((x) => x.ip.family === family);
    if (a) return a.ip;
  }
  return undefined;
}
