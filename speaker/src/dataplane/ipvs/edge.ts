/**
 * The IPVS backend's edge: a generic netlink socket (the `netlink` package's RawNetlinkSocket, its lowest layer,
 * so the bytes written are exactly the ones messages.ts builds and the tests pin), the "IPVS" family resolved
 * through the controller (CTRL_CMD_GETFAMILY), commands applied one by one with the kernel's acknowledgement, and
 * the kernel's table dumped back into the model for a resync.
 *
 * The VIPs themselves must also be local addresses for IPVS to see their packets: that is vipLink.ts, kept apart.
 */
import { RawNetlinkSocket } from 'netlink';
import type { IpvsCommand } from './diff';
import { GenlClient, NetlinkErrnoError, type GenlClientOptions, type NetlinkTransport } from './genlClient';
import { decodeDest, decodeService, encodeGetDests, encodeGetServices, encodeIpvsCommand } from './messages';
import { serviceKey, destKey, type IpvsDest, type IpvsState, type IpvsVirtual } from './model';
import { encodeGetFamily, familyIdOf, HOST_ORDER, type ByteOrder } from './netlink';
import { ENOENT, IPVS_GENL_NAME, NETLINK_GENERIC } from './uapi';

export const IPVS_UNAVAILABLE =
  'IPVS is not available in this kernel (generic netlink family "IPVS" not found): load the ip_vs module, or run with --dataplane nftables';

export class IpvsUnavailableError extends Error {
  override readonly name = 'IpvsUnavailableError';
  constructor() {
    super(IPVS_UNAVAILABLE);
  }
}

/** A command the kernel refused, with its errno (words: ipvsFailureText). */
export interface IpvsFailure {
  readonly command: IpvsCommand;
  readonly errno: number;
}

export interface IpvsDump {
  readonly state: IpvsState;
  /** Services in the table we cannot manage (firewall marks, other protocols): why, one each. */
  readonly foreign: readonly string[];
}

export interface IpvsEdge {
  /** The IPVS family's id in this kernel. */
  readonly family: number;
  /** Each command in order, each acknowledged; a refused one is reported and the rest still go. */
  apply(commands: readonly IpvsCommand[]): Promise<IpvsFailure[]>;
  /** Every virtual service of this network namespace with its destinations. */
  dump(): Promise<IpvsDump>;
  close(): void;
}

/** The id of a generic netlink family by name; ENOENT from the controller when the kernel has none. */
export async function resolveFamily(client: GenlClient, name: string, order: ByteOrder = HOST_ORDER): Promise<number> {
  const seq = client.nextSeq();
  const replies = await client.request(encodeGetFamily(name, seq, order), seq, `resolving family "${name}"`);
  for (const r of replies) {
    const id = familyIdOf(r.payload, order);
    if (id !== undefined) return id;
  }
  throw new Error(`the generic netlink controller answered without a family id for "${name}"`);
}

/** RawNetlinkSocket as a NetlinkTransport. Unreferenced: a pending request's timer keeps the process alive. */
export function rawGenericTransport(): NetlinkTransport {
  // The typings make both buffer sizes mandatory; 1 MiB holds a dump of thousands of services in few reads.
  const socket = new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: 1 << 20, sendBufferSize: 1 << 18 });
  socket.unref();
  return {
    send: (datagram) => socket.send(datagram),
    listen: (onDatagram, onError) => {
      socket.on('message', (msg) => onDatagram(msg));
      socket.on('truncatedMessage', (_msg, info) =>
        onError(new Error(`a netlink message truncated to the receive buffer (${info.truncated ?? '?'} bytes)`)),
      );
      socket.on('error', (err) => onError(err));
    },
    close: () => socket.close(),
  };
}

export interface OpenIpvsOptions extends GenlClientOptions {
  /** Default: a generic netlink socket in this process's network namespace. */
  readonly transport?: NetlinkTransport;
}

/** Opens the socket and resolves "IPVS"; IpvsUnavailableError when this kernel has no IPVS. */
export async function openIpvs(options: OpenIpvsOptions = {}): Promise<IpvsEdge> {
  const order = options.order ?? HOST_ORDER;
  const client = new GenlClient(options.transport ?? rawGenericTransport(), options);
  let family: number;
  try {
    family = await resolveFamily(client, IPVS_GENL_NAME, order);
  } catch (err) {
    client.close();
    if (err instanceof NetlinkErrnoError && err.errno === ENOENT) throw new IpvsUnavailableError();
    throw err;
  }
  return new GenlIpvsEdge(client, family, order);
}

class GenlIpvsEdge implements IpvsEdge {
  constructor(
    private readonly client: GenlClient,
    readonly family: number,
    private readonly order: ByteOrder,
  ) {}

  async apply(commands: readonly IpvsCommand[]): Promise<IpvsFailure[]> {
    const failures: IpvsFailure[] = [];
    for (const command of commands) {
      const seq = this.client.nextSeq();
      const bytes = encodeIpvsCommand(command, { family: this.family, seq }, this.order);
      try {
        await this.client.request(bytes, seq, `IPVS ${command.op}`);
      } catch (err) {
        // The kernel said no to this one: the next may still apply (a resync repairs the rest). Anything else
        // (timeout, socket error) stops here.
        if (!(err instanceof NetlinkErrnoError)) throw err;
        failures.push({ command, errno: err.errno });
      }
    }
    return failures;
  }

  async dump(): Promise<IpvsDump> {
    const seq = this.client.nextSeq();
    const frame = { family: this.family, seq };
    const replies = await this.client.request(encodeGetServices(frame, this.order), seq, 'IPVS service dump');
    const state = new Map<string, IpvsVirtual>();
    const foreign: string[] = [];
    for (const r of replies) {
      if (r.type !== this.family) continue;
      const d = decodeService(r.payload, this.order);
      if (d.kind === 'foreign') {
        foreign.push(d.why);
        continue;
      }
      const s = d.service;
      const dseq = this.client.nextSeq();
      const bytes = encodeGetDests(s, { family: this.family, seq: dseq }, this.order);
      const destReplies = await this.client.request(bytes, dseq, `IPVS destination dump of ${serviceKey(s)}`);
      const dests = new Map<string, IpvsDest>();
      for (const m of destReplies) {
        if (m.type !== this.family) continue;
        const dest = decodeDest(m.payload, s.addr.family, this.order);
        dests.set(destKey(dest), dest);
      }
      state.set(serviceKey(s), { service: s, dests });
    }
    return { state, foreign };
  }

  close(): void {
    this.client.close();
  }
}
