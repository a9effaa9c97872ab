// The lab's echo servers and their clients, as data: the socat command lines, what an answer looks like, how a
// client's run becomes a typed result, and which sockets `ss` says listen. Pure; echo.ts runs them.
//
// A server is socat bound to one pod address and port, TCP or UDP, answering each connection or datagram with one
// line `<pod name> <peer address>`: socat puts the peer in SOCAT_PEERADDR for its SYSTEM: child (IPv6 as
// `[2001:0db8:...:0001]`, fully written out, which canonicalIp shortens back to `2001:db8::1`).
//
// What socat 1.7.4 reports, seen in the lab:
//   - TCP to an address:port nobody listens on (RST): `E connect(5, AF=2 203.0.113.18:8080, 16): Connection refused`,
//     exit 1, at once;
//   - UDP to an address:port nobody listens on: the host answers ICMP(v6) port unreachable, the kernel reports it on
//     the connected socket's next read: `E read(5, ..., 8192): Connection refused`, exit 1, at once (Linux sends
//     6 such ICMPs in a row to one destination, then one a second: the lab's pod hosts turn that limit off,
//     topology.ts; a node or a host a test adds still has it, and there a refusal may read as a timeout);
//   - a UDP server whose SYSTEM: shell exits before socat has written the datagram into it logs
//     `E write(7, ..., 5): Broken pipe` and exits without answering: the shell must read the request first;
//   - UDP6-RECVFROM needs `bind=[addr]` (bracketless it reads the last group as a port: "port specification not
//     allowed in this bind option"); TCP6-LISTEN takes either, so both use brackets.
import type { PodAddress } from './podAddresses';

export type EchoProto = 'tcp' | 'udp';
export type IpFamily = 4 | 6;

export interface EchoAnswer {
  kind: 'answer';
  /** The pod that answered (`pod{k}-{i}`). */
  pod: string;
  /** The peer address the pod saw: the client, a node (SNAT/masquerade), or whatever rewrote it. */
  source: string;
}

/** Why no answer came: RST or ICMP port unreachable, silence until the timeout, or anything else (with the text). */
export type EchoFailure = { kind: 'refused'; text: string } | { kind: 'timeout' } | { kind: 'other'; text: string };

export type EchoResult = EchoAnswer | EchoFailure;

export const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 6 : 4);

/** An address as `ip` prints it: brackets and zone dropped, IPv6 in its short RFC 5952 form. */
export function canonicalIp(text: string): string {
  const bare = text.replace(/[[\]]/g, '').replace(/%.*$/, '');
  if (!bare.includes(':')) return bare;
  try {
    // The WHATWG URL parser writes IPv6 hosts in RFC 5952 form (lower case, longest zero run as ::).
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare;
  }
}

const hostPart = (ip: string): string => (familyOf(ip) === 6 ? `[${ip}]` : ip);

/** socat answering every connection (TCP) or datagram (UDP) to ip:port with `<pod name> <peer address>`. */
export function echoServerArgv(pod: PodAddress, proto: EchoProto, family: IpFamily, port: number): string[] {
  const ip = family === 4 ? pod.ipv4 : pod.ipv6;
  const listen =
    proto === 'tcp'
      ? `TCP${family}-LISTEN:${port},bind=${hostPart(ip)},fork,reuseaddr`
      : `UDP${family}-RECVFROM:${port},bind=${hostPart(ip)},fork`;
  // SYSTEM: runs through /bin/sh, which expands the variable socat set for this peer. UDP: socat writes the
  // datagram into the shell, so the shell reads it first; a shell that answered and exited before that write
  // made socat fail with EPIPE and drop the answer (1 request in ~30 in the lab). TCP clients send nothing (-u).
  const answer = `echo ${pod.name} $SOCAT_PEERADDR`;
  return ['socat', listen, `SYSTEM:${proto === 'udp' ? `read request; ${answer}` : answer}`];
}

export interface EchoClientOptions {
  /** IPv4 TTL / IPv6 hop limit of the request's packets, to prove how many routers lie in between. */
  ttl?: number;
}

/**
 * socat sending one request to addr:port. TCP only reads (`-u`: the server answers on connect; sending nothing
 * means it never closes with unread data, which would turn its FIN into a RST). UDP sends what the caller writes
 * to stdin as one datagram and prints the answer datagram.
 */
export function echoClientArgv(proto: EchoProto, addr: string, port: number, opts: EchoClientOptions = {}): string[] {
  const family = familyOf(addr);
  const ttl = opts.ttl === undefined ? '' : family === 4 ? `,ip-ttl=${opts.ttl}` : `,ipv6-unicast-hops=${opts.ttl}`;
  const target = `${proto.toUpperCase()}${family}:${hostPart(addr)}:${port}${ttl}`;
  return proto === 'tcp' ? ['socat', '-u', target, 'STDOUT'] : ['socat', 'STDIO', target];
}

/** The first line of an answer, `<pod> <address>`; undefined when it is not one. */
export function parseEchoAnswer(stdout: string): EchoAnswer | undefined {
  const nl = stdout.indexOf('\n');
  const line = (nl < 0 ? stdout : stdout.slice(0, nl)).trim();
  const m = /^(\S+) (\S+)$/.exec(line);
  if (!m) return undefined;
  return { kind: 'answer', pod: m[1], source: canonicalIp(m[2]) };
}

export interface ClientRun {
  stdout: string;
  stderr: string;
  /** The client was ended because the timeout passed without an answer line. */
  timedOut: boolean;
  /** Exit code, or undefined when a signal ended it (we end it once the answer is in, or at the timeout). */
  code: number | undefined;
}

/** What one client run means: an answer line wins; else refused, timeout or other, by what socat said. */
export function echoOutcome(run: ClientRun): EchoResult {
  if (run.stdout.includes('\n')) {
    return parseEchoAnswer(run.stdout) ?? { kind: 'other', text: `not an echo answer: ${run.stdout.trim()}` };
  }
  const said = run.stderr.trim();
  if (/Connection refused/.test(said)) return { kind: 'refused', text: said };
  if (run.timedOut || /timed out/i.test(said)) return { kind: 'timeout' };
  if (said !== '') return { kind: 'other', text: said };
  const partial = run.stdout.trim();
  return {
    kind: 'other',
    text: partial !== '' ? `incomplete answer: ${partial}` : `no answer (socat exit ${run.code ?? 'by signal'})`,
  };
}

export interface Listener {
  proto: EchoProto;
  ip: string;
  port: number;
}

/** The listening TCP and bound UDP sockets in `ss -Hlntu` output; `*` and `0.0.0.0` stay as they are. */
export function parseListeners(ssOutput: string): Listener[] {
  const out: Listener[] = [];
  for (const line of ssOutput.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || (f[0] !== 'tcp' && f[0] !== 'udp')) continue;
    const local = f[4];
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    out.push({ proto: f[0], ip: canonicalIp(local.slice(0, colon)), port });
  }
  return out;
}

/** Those of `wanted` that `listeners` lacks (compared on canonical addresses). */
export function missingListeners(wanted: Listener[], listeners: Listener[]): Listener[] {
  return wanted.filter(
    (w) => !listeners.some((l) => l.proto === w.proto && l.port === w.port && l.ip === canonicalIp(w.ip)),
  );
}

/** How many answers each pod gave, and every failure, from a run of requests (for balance checks). */
export interface EchoTally {
  counts: Record<string, number>;
  failures: EchoFailure[];
}

export function tallyResults(results: EchoResult[]): EchoTally {
  const counts: Record<string, number> = {};
  const failures: EchoFailure[] = [];
  for (const r of results) {
    if (r.kind === 'answer') counts[r.pod] = (counts[r.pod] ?? 0) + 1;
    else failures.push(r);
  }
  return { counts, failures };
}
