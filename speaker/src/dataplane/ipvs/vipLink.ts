/**
 * The VIPs on a dummy link, ironlb-ipvs0 (kube-proxy's kube-ipvs0): IPVS hooks LOCAL_IN, so it only sees packets
 * to addresses the node holds. The link stays down, as kube-proxy leaves kube-ipvs0: the kernel adds the local route
 * of an address (table local) whether the link is up or not, and a down dummy sends nothing. Addresses are /32 and
 * /128 (no prefix route), IPv6 ones `nodad` (a down link would otherwise keep them tentative).
 *
 * Done with `ip` (iproute2), which every node running the speaker has; the commands are built here and run by an
 * injected runner, so the unit tests read them and the e2e test runs them in a namespace. Note for layer 2 mode:
 * with the default arp_ignore=0 a node answers ARP for any local address on any interface, so a VIP held here is
 * answered by the kernel too; kube-proxy's strictARP sets net.ipv4.conf.all.arp_ignore=1 and arp_announce=2 for
 * this. Setting those is left to whoever enables the IPVS backend (see the README section).
 */
import { execFile } from 'node:child_process';
import { formatIP, parseIP, type ParsedIP } from '@ironlb/shared';

export const VIP_LINK = 'ironlb-ipvs0';
export const DUMMY_UNAVAILABLE = `the dummy link type is not available in this kernel (CONFIG_DUMMY): cannot create ${VIP_LINK} to hold the VIPs IPVS serves`;

export class DummyUnavailableError extends Error {
  override readonly name = 'DummyUnavailableError';
  constructor() {
    super(DUMMY_UNAVAILABLE);
  }
}

/** Runs `ip` with these arguments; resolves with stdout, rejects with an Error carrying stderr. */
export type IpRunner = (args: readonly string[]) => Promise<string>;

export interface VipLink {
  readonly name: string;
  /** Creates the dummy link when absent (left down); an error when the name is taken by another kind of link. */
  ensure(): Promise<void>;
  /** The link's global addresses. */
  addresses(): Promise<ParsedIP[]>;
  /** Idempotent (`ip addr replace`). */
  add(ip: ParsedIP): Promise<void>;
  /** Idempotent: an address already gone is not an error. */
  remove(ip: ParsedIP): Promise<void>;
  /** The link and its addresses, when the backend is switched off; absent already is not an error. */
  destroy(): Promise<void>;
}

export interface VipLinkOptions {
  /** A network namespace by name (`ip -n`); default: the process's own. */
  readonly netns?: string;
  /** Default VIP_LINK; the e2e test names a stand-in link when the kernel has no dummy type. */
  readonly name?: string;
  readonly run?: IpRunner;
}

export const runIp: IpRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('ip', [...args], (err, stdout, stderr) => {
      if (err) reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });

const prefixOf = (ip: ParsedIP): string => `${formatIP(ip)}/${ip.family === 'IPv4' ? 32 : 128}`;

/** `ip -j addr show` output: the global IPv4 and IPv6 addresses of its links. */
export function parseAddrJson(text: string): ParsedIP[] {
  const links: unknown = JSON.parse(text);
  if (!Array.isArray(links)) throw new Error('ip -j addr: not a list of links');
  const out: ParsedIP[] = [];
  for (const link of links) {
    const infos: unknown = (link as { addr_info?: unknown }).addr_info;
    if (!Array.isArray(infos)) continue;
    for (const info of infos) {
      const { family, local, scope } = info as { family?: unknown; local?: unknown; scope?: unknown };
      if ((family !== 'inet' && family !== 'inet6') || scope !== 'global' || typeof local !== 'string') continue;
      const ip = parseIP(local);
      if (ip) out.push(ip);
    }
  }
  return out;
}

/** `ip -d -j link show` output: the first link's kind (linkinfo.info_kind), '' for none. */
export function parseLinkKind(text: string): string {
  const links: unknown = JSON.parse(text);
  if (!Array.isArray(links) || links.length === 0) throw new Error('ip -j link: no link');
  const kind = (links[0] as { linkinfo?: { info_kind?: unknown } }).linkinfo?.info_kind;
  return typeof kind === 'string' ? kind : '';
}

/** What to add and remove to go from the link's addresses to the wanted ones. */
export function vipChanges(
  current: readonly ParsedIP[],
  wanted: readonly ParsedIP[],
): { readonly add: ParsedIP[]; readonly remove: ParsedIP[] } {
  const seen = new Set(current.map(formatIP));
  const want = new Set(wanted.map(formatIP));
  const add: ParsedIP[] = [];
  for (const ip of wanted) {
    const text = formatIP(ip);
    if (seen.has(text)) continue;
    seen.add(text);
    add.push(ip);
  }
  return { add, remove: current.filter((ip) => !want.has(formatIP(ip))) };
}

const missing = (err: unknown, pattern: RegExp): boolean => err instanceof Error && pattern.test(err.message);

export function ipCommandVipLink(options: VipLinkOptions = {}): VipLink {
  const name = options.name ?? VIP_LINK;
  const run = options.run ?? runIp;
  const ip = (args: string[]): Promise<string> => run(options.netns ? ['-n', options.netns, ...args] : args);
  return {
    name,
    async ensure() {
      let shown: string | undefined;
      try {
        shown = await ip(['-d', '-j', 'link', 'show', 'dev', name]);
      } catch (err) {
        if (!missing(err, /does not exist/i)) throw err;
      }
      if (shown !== undefined) {
        const kind = parseLinkKind(shown);
        if (kind !== 'dummy') throw new Error(`${name} exists and is not a dummy link (${kind || 'no kind'})`);
        return;
      }
      try {
        await ip(['link', 'add', name, 'type', 'dummy']);
      } catch (err) {
        if (missing(err, /unknown device type/i)) throw new DummyUnavailableError();
        throw err;
      }
    },
    async addresses() {
      return parseAddrJson(await ip(['-j', 'addr', 'show', 'dev', name]));
    },
    async add(addr) {
      await ip(['addr', 'replace', prefixOf(addr), 'dev', name, ...(addr.family === 'IPv6' ? ['nodad'] : [])]);
    },
    async remove(addr) {
      try {
        await ip(['addr', 'del', prefixOf(addr), 'dev', name]);
      } catch (err) {
        if (!missing(err, /address not found|cannot assign requested address/i)) throw err;
      }
    },
    async destroy() {
      try {
        await ip(['link', 'del', name]);
      } catch (err) {
        if (!missing(err, /cannot find device|does not exist/i)) throw err;
      }
    },
  };
}

/** The link made to hold exactly `wanted` (in the order: additions first, so a VIP moving is never absent). */
export async function syncVips(link: VipLink, wanted: readonly ParsedIP[]): Promise<void> {
  const { add, remove } = vipChanges(await link.addresses(), wanted);
  for (const a of add) await link.add(a);
  for (const r of remove) await link.remove(r);
}
