/**
 * BGPPeer objects: the BGP routers the speakers open sessions with. The rules are MetalLB's (api/v1beta2/
 * bgppeer_types.go, internal/config/config.go peerFromCR and parseTimers, validation.go), made stricter where MetalLB
 * silently accepts what cannot work, each refusal saying why:
 *
 * - myASN and peerASN 1..4294967295 (MetalLB: "missing local ASN" for 0); an iBGP peer (equal ASNs) cannot be
 *   ebgpMultiHop (MetalLB's rule);
 * - peerAddress an IPv4 or IPv6 address; sourceAddress one of the same family; routerID a dotted quad other than
 *   0.0.0.0 (RFC 6286: the BGP Identifier is non-zero); peerPort 1..65535, default 179;
 * - holdTime 0 or 3s..65535s (RFC 4271; MetalLB checks the lower bound after truncating to seconds), default 90s, or
 *   3 × keepaliveTime when only that is set (MetalLB); keepaliveTime shorter than the hold time and at least 1s, or
 *   0 with a hold time of 0, default a third of the hold time; both whole seconds, which is what BGP carries;
 *   connectTime 1s..65535s in whole seconds (MetalLB's CEL rules);
 * - password and passwordSecret not both (MetalLB), the password without line breaks (MetalLB) and at most 80 bytes
 *   (Linux's TCP_MD5SIG_MAXKEYLEN); no message ever quotes it;
 * - bfdProfile a BFDProfile that loaded (MetalLB: "referencing non existing bfd profile"), and not one with echoMode
 *   on an ebgpMultiHop session (RFC 5883: no echo over multiple hops);
 * - vrf a Linux interface name (at most 15 bytes, no whitespace, '/' or ':', not . or ..; MetalLB refuses line
 *   breaks).
 *
 * Between peers: two with the same peerAddress, peerPort and vrf are one session twice on any node that both
 * select, so the later by name is left out unless their nodeSelectors can never select one node (MetalLB's FRR mode
 * refuses a second peer with the same address and VRF whatever its node selectors).
 */
import { formatIP, isIPv4Mapped, parseIP, type ParsedIP } from '../ip/ip';
import { DURATION_EXAMPLE, parseGoDuration } from './duration';
import { readBoolean, readInteger, readOptionalString, type IntegerRange } from './fields';
import { dns1123LabelError, dns1123SubdomainError } from './names';
import { errorsOf, loadInNameOrder, readObject, type Candidate, type LoadResult } from './object';
import { parseSelectorList } from './parse-selector';
import { isRecord, jsonType, problem, type FieldProblem, type RawObject } from './raw';
import { selectionsDisjoint } from './selector';
import type { BFDProfile, BGPPeer, SecretReference } from './types';

export const PEER_KIND = 'BGPPeer';

const ASN: IntegerRange = { min: 1, max: 4294967295, why: 'a 4-byte AS number; 0 is reserved' };
const PORT: IntegerRange = { min: 1, max: 65535 };
const DEFAULT_PORT = 179;
const DEFAULT_HOLD_S = 90;
const MIN_HOLD_S = 3;
/** RFC 4271: the OPEN message's Hold Time is 2 octets of seconds. */
const MAX_HOLD_S = 65535;
/** Linux's TCP_MD5SIG_MAXKEYLEN. */
const MAX_MD5_KEY = 80;
/** Linux's IFNAMSIZ less the terminating NUL. */
const MAX_IFNAME = 15;
const NS_PER_S = 1_000_000_000n;

function required(raw: unknown, field: string, out: FieldProblem[]): boolean {
  if (raw !== undefined && raw !== null) return true;
  out.push(problem(field, 'is required'));
  return false;
}

function readAddress(raw: unknown, field: string, out: FieldProblem[]): ParsedIP | undefined {
  const text = readOptionalString(raw, field, out);
  if (text === undefined) return undefined;
  const ip = parseIP(text);
  if (!ip) {
    out.push(problem(field, `must be an IPv4 or IPv6 address, got ${JSON.stringify(text)}`));
    return undefined;
  }
  if (isIPv4Mapped(ip)) {
    const v4 = formatIP({ family: 'IPv4', value: ip.value & 0xffffffffn });
    out.push(problem(field, `${JSON.stringify(text)} is an IPv4-mapped IPv6 address: write the IPv4 address ${v4}`));
    return undefined;
  }
  return ip;
}

function readRouterID(raw: unknown, out: FieldProblem[]): ParsedIP | undefined {
  const field = 'spec.routerID';
  const text = readOptionalString(raw, field, out);
  if (text === undefined) return undefined;
  const ip = parseIP(text);
  if (!ip || ip.family !== 'IPv4') {
    out.push(problem(field, `must be an IPv4 address (a dotted quad like 198.51.100.1), got ${JSON.stringify(text)}`));
    return undefined;
  }
  if (ip.value === 0n) {
    out.push(problem(field, 'must not be 0.0.0.0: the BGP Identifier is a non-zero number (RFC 6286)'));
    return undefined;
  }
  return ip;
}

/** A duration field in whole seconds; undefined when absent or wrong. */
function readSeconds(raw: unknown, field: string, out: FieldProblem[]): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    out.push(problem(field, `must be ${DURATION_EXAMPLE} (a string), got ${jsonType(raw)}`));
    return undefined;
  }
  const d = parseGoDuration(raw);
  if ('error' in d) out.push(problem(field, d.error));
  else if (d.ns < 0n) out.push(problem(field, `must not be negative, got ${JSON.stringify(raw)}`));
  else if (d.ns % NS_PER_S !== 0n)
    out.push(problem(field, `must be a whole number of seconds, as BGP carries them, got ${JSON.stringify(raw)}`));
  else return Number(d.ns / NS_PER_S);
  return undefined;
}

interface Timers {
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectTimeMs?: number;
}

function readTimers(spec: RawObject, out: FieldProblem[]): Timers {
  const before = out.length;
  const hold = readSeconds(spec.holdTime, 'spec.holdTime', out);
  const holdText = JSON.stringify(spec.holdTime);
  if (hold !== undefined && hold !== 0 && (hold < MIN_HOLD_S || hold > MAX_HOLD_S))
    out.push(
      problem(
        'spec.holdTime',
        `must be 0s (no hold timer) or from ${MIN_HOLD_S}s to ${MAX_HOLD_S}s (RFC 4271), got ${holdText}`,
      ),
    );
  const keep = readSeconds(spec.keepaliveTime, 'spec.keepaliveTime', out);
  const keepText = JSON.stringify(spec.keepaliveTime);
  const keepProblem = (message: string): void => {
    out.push(problem('spec.keepaliveTime', message));
  };
  // Against the hold time only when both read well: a wrong hold time is error enough.
  if (keep !== undefined && out.length === before) {
    if (hold === undefined) {
      if (3 * keep > MAX_HOLD_S)
        keepProblem(
          `${keepText} makes the hold time ${3 * keep}s (3 × keepaliveTime, as holdTime is not set), past RFC 4271's ${MAX_HOLD_S}s; set holdTime`,
        );
    } else if (hold === 0) {
      if (keep !== 0)
        keepProblem(
          `must be 0s when holdTime is 0s (RFC 4271: no KEEPALIVE messages without a hold timer), got ${keepText}`,
        );
    } else if (keep === 0)
      keepProblem(
        `must be at least 1s when holdTime is ${holdText}: without KEEPALIVE messages the peer's hold timer expires`,
      );
    else if (keep >= hold) keepProblem(`must be shorter than holdTime (${holdText}), got ${keepText}`);
  }
  const connect = readSeconds(spec.connectTime, 'spec.connectTime', out);
  if (connect !== undefined && (connect < 1 || connect > 65535))
    out.push(problem('spec.connectTime', `must be from 1s to 65535s, got ${JSON.stringify(spec.connectTime)}`));
  if (out.length > before) return { holdTimeMs: 0, keepaliveTimeMs: 0 };
  const holdS = hold ?? (keep === undefined ? DEFAULT_HOLD_S : 3 * keep);
  const keepS = keep ?? Math.floor(holdS / 3);
  return {
    holdTimeMs: holdS * 1000,
    keepaliveTimeMs: keepS * 1000,
    ...(connect === undefined ? {} : { connectTimeMs: connect * 1000 }),
  };
}

/** The password, checked without ever quoting it. */
function readPassword(raw: unknown, out: FieldProblem[]): string | undefined {
  const field = 'spec.password';
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') out.push(problem(field, `must be a string, got ${jsonType(raw)}`));
  else if (/[\r\n]/.test(raw)) out.push(problem(field, 'must not contain a line break'));
  else if (Buffer.byteLength(raw, 'utf8') > MAX_MD5_KEY)
    out.push(problem(field, `must be at most ${MAX_MD5_KEY} bytes, the longest TCP MD5 key Linux takes`));
  else return raw;
  return undefined;
}

/**
 * `{}` and `{name: '', namespace: ''}` are no reference: Go's SecretReference is a struct that MetalLB's objects
 * carry empty when unset, and that their YAML exports keep.
 */
function readSecretReference(raw: unknown, out: FieldProblem[]): SecretReference | undefined {
  const field = 'spec.passwordSecret';
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    out.push(problem(field, `must be an object with name and namespace, got ${jsonType(raw)}`));
    return undefined;
  }
  const before = out.length;
  const name = readOptionalString(raw.name, `${field}.name`, out, (v) => {
    const e = dns1123SubdomainError(v);
    return e && `invalid Secret name ${JSON.stringify(v)}: ${e}`;
  });
  const namespace = readOptionalString(raw.namespace, `${field}.namespace`, out, (v) => {
    const e = dns1123LabelError(v);
    return e && `invalid namespace name ${JSON.stringify(v)}: ${e}`;
  });
  if (out.length > before) return undefined;
  if (name === undefined) {
    if (namespace !== undefined) out.push(problem(`${field}.name`, 'is required when namespace is set'));
    return undefined;
  }
  return Object.freeze({ name, ...(namespace === undefined ? {} : { namespace }) });
}

function vrfError(v: string): string | undefined {
  if (Buffer.byteLength(v, 'utf8') > MAX_IFNAME)
    return `must be a Linux interface name, at most ${MAX_IFNAME} bytes, got ${JSON.stringify(v)}`;
  if (v === '.' || v === '..') return `must be a Linux interface name, not ${JSON.stringify(v)}`;
  if (/[\s/:]/.test(v))
    return `must be a Linux interface name, without whitespace, '/' or ':', got ${JSON.stringify(v)}`;
  return undefined;
}

function checkBFDProfile(
  name: string | undefined,
  ebgpMultiHop: boolean,
  profiles: LoadResult<BFDProfile>,
  out: FieldProblem[],
): void {
  if (name === undefined) return;
  const field = 'spec.bfdProfile';
  const profile = profiles.loaded.get(name);
  const refused = profiles.refused.get(name);
  if (!profile)
    out.push(
      problem(
        field,
        refused
          ? `names BFDProfile ${JSON.stringify(name)}, which is not loaded: ${refused} has errors`
          : `names BFDProfile ${JSON.stringify(name)}, which does not exist`,
      ),
    );
  else if (profile.value.echoMode && ebgpMultiHop)
    out.push(
      problem(
        field,
        `names BFDProfile ${JSON.stringify(name)}, which has echoMode, and this peer is ebgpMultiHop: BFD echo works over one hop only (RFC 5883)`,
      ),
    );
}

/** The peer; undefined when a required field is missing or wrong (the problems say which). */
function parseSpec(
  spec: RawObject,
  name: string,
  profiles: LoadResult<BFDProfile>,
  out: FieldProblem[],
): BGPPeer | undefined {
  const myASN = required(spec.myASN, 'spec.myASN', out) ? readInteger(spec.myASN, 'spec.myASN', ASN, out) : undefined;
  const peerASN = required(spec.peerASN, 'spec.peerASN', out)
    ? readInteger(spec.peerASN, 'spec.peerASN', ASN, out)
    : undefined;
  const peerAddress = required(spec.peerAddress, 'spec.peerAddress', out)
    ? readAddress(spec.peerAddress, 'spec.peerAddress', out)
    : undefined;
  if (spec.peerAddress === '') out.push(problem('spec.peerAddress', 'must not be empty'));
  const peerPort = readInteger(spec.peerPort, 'spec.peerPort', PORT, out) ?? DEFAULT_PORT;
  const sourceAddress = readAddress(spec.sourceAddress, 'spec.sourceAddress', out);
  if (sourceAddress && peerAddress && sourceAddress.family !== peerAddress.family)
    out.push(
      problem(
        'spec.sourceAddress',
        `${formatIP(sourceAddress)} is ${sourceAddress.family} and peerAddress ${formatIP(peerAddress)} is ${peerAddress.family}; a session runs over one family`,
      ),
    );
  const routerID = readRouterID(spec.routerID, out);
  const timers = readTimers(spec, out);
  const password = readPassword(spec.password, out);
  const passwordSecret = readSecretReference(spec.passwordSecret, out);
  if (password !== undefined && passwordSecret !== undefined)
    out.push(
      problem(
        'spec.passwordSecret',
        'must not be set with spec.password: the password is in the BGPPeer or in a Secret',
      ),
    );
  const bfdProfile = readOptionalString(spec.bfdProfile, 'spec.bfdProfile', out);
  const ebgpMultiHop = readBoolean(spec.ebgpMultiHop, 'spec.ebgpMultiHop', false, out);
  checkBFDProfile(bfdProfile, ebgpMultiHop, profiles, out);
  if (ebgpMultiHop && myASN !== undefined && myASN === peerASN)
    out.push(problem('spec.ebgpMultiHop', `is for eBGP peers; this one is iBGP (myASN and peerASN are both ${myASN})`));
  const enableGracefulRestart = readBoolean(spec.enableGracefulRestart, 'spec.enableGracefulRestart', false, out);
  const disableMP = readBoolean(spec.disableMP, 'spec.disableMP', false, out);
  const nodeSelectors = parseSelectorList(spec.nodeSelectors, 'spec.nodeSelectors', out);
  const vrf = readOptionalString(spec.vrf, 'spec.vrf', out, vrfError);
  if (myASN === undefined || peerASN === undefined || !peerAddress) return undefined;
  return Object.freeze({
    name,
    myASN,
    peerASN,
    peerAddress: Object.freeze(peerAddress),
    peerPort,
    ...(sourceAddress ? { sourceAddress: Object.freeze(sourceAddress) } : {}),
    ...(routerID ? { routerID: Object.freeze(routerID) } : {}),
    ...timers,
    ...(password === undefined ? {} : { password }),
    ...(passwordSecret ? { passwordSecret } : {}),
    ...(bfdProfile === undefined ? {} : { bfdProfile }),
    ebgpMultiHop,
    enableGracefulRestart,
    disableMP,
    nodeSelectors: Object.freeze(nodeSelectors),
    ...(vrf === undefined ? {} : { vrf }),
  });
}

function parsePeer(raw: unknown, index: number, profiles: LoadResult<BFDProfile>): Candidate<BGPPeer> {
  const { id, spec, problems } = readObject(PEER_KIND, raw, index, true);
  const peer = spec && parseSpec(spec, id.name, profiles, problems);
  const errors = errorsOf(id, problems);
  return errors.length || !peer ? { id, errors } : { id, value: peer, errors };
}

/** How a session is told apart on a node. */
const sessionOf = (p: BGPPeer): string =>
  `${formatIP(p.peerAddress)}, port ${p.peerPort}, ${p.vrf === undefined ? 'the default VRF' : `VRF ${p.vrf}`}`;

/** Loaded peers by name, in name order; a peer naming a BFD profile is checked against `profiles`. */
export function parseBGPPeers(items: readonly unknown[], profiles: LoadResult<BFDProfile>): LoadResult<BGPPeer> {
  const sessions = new Map<string, { readonly object: string; readonly peer: BGPPeer }[]>();
  return loadInNameOrder(
    items.map((raw, i) => parsePeer(raw, i, profiles)),
    'BGPAdvertisements name peers by name alone',
    (c, peer) => {
      const key = sessionOf(peer);
      const same = sessions.get(key) ?? [];
      const clash = same.find((o) => !selectionsDisjoint(o.peer.nodeSelectors, peer.nodeSelectors));
      if (clash)
        return [
          {
            object: c.id.object,
            field: 'spec.peerAddress',
            message: `${clash.object} has the same session (${sessionOf(peer)}) and their nodeSelectors do not keep them apart, so a node could open it twice; ${clash.object} comes first by name, so this peer is not loaded`,
          },
        ];
      sessions.set(key, [...same, { object: c.id.object, peer }]);
      return [];
    },
  );
}
