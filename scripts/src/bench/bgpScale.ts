/**
 * `npm run bench -- bgp-scale [--rounds N]`: one node advertises 10,000 IPv6 /128s to the lab router's BIRD, over
 * an IPv6 eBGP session; how long until BIRD holds them all, for ironlb-speaker and, in the same run with the same
 * prefixes (the IPs the controller gave the 10,000 Services), for BIRD (static routes), FRR (network statements,
 * bgpd without zebra) and GoBGP (an MRT file injected through its CLI, the neighbor enabled afterwards).
 *
 * The rule for everyone: from the router's first sight of the session Established (its BIRD polled every 5 ms over
 * the control socket) until it counts every route imported. Every advertiser holds its whole table before the
 * session comes up. For ironlb also from the process's start, the Services already assigned. Then one more Service
 * (create to the router holding it), the bytes each advertiser's session carried per prefix (kernel tcp_info:
 * bytes acknowledged by the router, OPEN and KEEPALIVEs included), the speaker's RSS, and, in process, the time the
 * adj-RIB-out and the codec take to make the UPDATEs for 10,000 prefixes.
 */
import { parseIP } from '@ironlb/shared';
import { createAdjRibOut, encodeMessage, endOfRib, type Route } from '@ironlb/speaker';
import { startAdvertiser } from '../lab/advertisers';
import type { AdvertiserKind } from '../lab/advertiserConfig';
import type { BirdControl } from '../lab/birdControl';
import { bgpSessionBytes } from '../lab/tcpCounters';
import { httpClient } from '../testing/kubeHttp';
import { binFlags } from '../testing/daemonCommand';
import { SPEAKER_BIN, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import {
  applyBgpConfig,
  assertSpeakerPid,
  createServices,
  intOption,
  routerControl,
  rssOf,
  waitEmpty,
  waitForIPs,
  watchImports,
} from './bgpCommon';
import { fmt, median, mib } from './stats';

/** Prefixes advertised (`--prefixes`, for a quick look; the figures quoted are at 10,000). */
let N = 10_000;
const NODE = 'node1';
const PROTOCOL = `${NODE}_v6`;
/** How often the router is asked (watchImports' step). */
const POLL_MS = 5;
const progress = (text: string): void => void process.stderr.write(`[bgp-scale] ${text}\n`);

type Who = AdvertiserKind | 'ironlb';
const WHO: readonly Who[] = ['bird', 'frr', 'gobgp', 'ironlb'];
const LABEL: Record<Who, string> = {
  bird: 'BIRD 2 (static routes)',
  frr: 'FRR bgpd (network statements)',
  gobgp: 'GoBGP (MRT inject)',
  ironlb: 'ironlb-speaker',
};

interface Sample {
  /** Established (router's view) to every route imported. */
  readonly fromEstablishedMs: number;
  /** Process start to every route imported. */
  readonly fromStartMs: number;
  readonly bytesPerPrefix: number;
}

/** The payload bytes the node's side of its BGP session had sent, acknowledged. */
async function sentBytes(l: SpeakerLab): Promise<number> {
  const sessions = await bgpSessionBytes(l.lab, NODE);
  if (sessions.length !== 1) throw new Error(`${NODE} has ${sessions.length} BGP connections, not 1`);
  return sessions[0].acked;
}

async function runOther(l: SpeakerLab, bird: BirdControl, kind: AdvertiserKind, prefixes: string[]): Promise<Sample> {
  const adv = await startAdvertiser(l.lab, NODE, kind, prefixes);
  try {
    await adv.open();
    const t = await watchImports(bird, [PROTOCOL], N, 120_000);
    const bytes = await sentBytes(l);
    return {
      fromEstablishedMs: t.fullAt - t.establishedAt,
      fromStartMs: t.fullAt - adv.startedAt,
      bytesPerPrefix: bytes / N,
    };
  } finally {
    await adv.stop();
    await waitEmpty(bird, [PROTOCOL]);
  }
}

async function runIronlb(l: SpeakerLab, bird: BirdControl): Promise<Sample & { rss: number }> {
  const t0 = performance.now();
  const s = l.startSpeaker(NODE);
  try {
    const t = await watchImports(bird, [PROTOCOL], N, 120_000);
    const bytes = await sentBytes(l);
    assertSpeakerPid(s.child.pid);
    return {
      fromEstablishedMs: t.fullAt - t.establishedAt,
      fromStartMs: t.fullAt - t0,
      bytesPerPrefix: bytes / N,
      rss: rssOf(s.child.pid),
    };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${s.output().slice(-3000)}`);
  }
}

/** adj-RIB-out + codec for the prefixes, in process: the UPDATEs' bytes and the ms to make them (median of 5). */
function inProcess(ips: readonly string[], nextHop: string): { ms: number; bytes: number; messages: number } {
  const hop = parseIP(nextHop);
  if (!hop) throw new Error(`bad next hop ${nextHop}`);
  // What BIRD 2 negotiates by default: 4-octet AS, no extended messages (4,096-byte UPDATEs).
  const options: Parameters<typeof createAdjRibOut>[0] = {
    fourOctetAs: true,
    extendedMessage: false,
    localAs: 64513,
    ibgp: false,
    families: ['ipv4', 'ipv6'],
    ipv4InClassicNlri: true,
  };
  const runs: number[] = [];
  let bytes = 0;
  let messages = 0;
  for (let i = 0; i < 5; i++) {
    // As the mode hands them over: one attributes object per route, parsed prefixes.
    const routes: Route[] = ips.map((text) => {
      const ip = parseIP(text);
      if (!ip) throw new Error(`bad IP ${text}`);
      return {
        prefix: { ip, length: 128 },
        attributes: { nextHop: hop, communities: [], largeCommunities: [] },
      };
    });
    const t0 = performance.now();
    const rib = createAdjRibOut(options);
    const updates = [...rib.setRoutes(routes), endOfRib('ipv6')];
    bytes = 0;
    for (const u of updates) bytes += encodeMessage(u, options).length;
    runs.push(performance.now() - t0);
    messages = updates.length;
  }
  return { ms: median(runs), bytes, messages };
}

export async function benchBgpScale(args: string[]): Promise<void> {
  const rounds = intOption(args, '--rounds', 1);
  N = intOption(args, '--prefixes', 10_000);
  // `--only ironlb` (or bird, frr, gobgp): one advertiser, when working on it.
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const chosen = WHO.filter((w) => only === undefined || w === only);
  if (chosen.length === 0) throw new Error(`--only takes one of ${WHO.join(', ')}`);
  progress('starting the lab (1 node, BIRD router), ironlb-kube and the controller');
  // `--cpu-prof DIR`: the speaker writes a V8 CPU profile there when it exits (SIGTERM at the end).
  const profDir = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
  const l = await startSpeakerLab({
    prefix: 'ilbbenchbs',
    nodes: 1,
    speakers: false,
    ...(profDir ? { nodeFlags: [...binFlags(SPEAKER_BIN), '--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
  });
  const client = httpClient(32);
  let bird: BirdControl | undefined;
  try {
    await applyBgpConfig(client, l.server.url, l.lab);
    progress(`creating ${N} IPv6 Services`);
    const createdMs = await createServices(client, l.server.url, 0, N);
    const ips = await waitForIPs(client, l.server.url, N, 240_000);
    progress(`${N} Services created in ${fmt(createdMs / 1000)} s, all with IPs`);
    const prefixes = [...ips].sort().map((ip) => `${ip}/128`);
    bird = await routerControl(l.lab);
    const samples = new Map<Who, Sample[]>(WHO.map((w) => [w, []]));
    let rss = 0;
    for (let r = 0; r < rounds; r++) {
      for (const who of chosen) {
        progress(`round ${r + 1}/${rounds}: ${LABEL[who]}`);
        if (who === 'ironlb') {
          const s = await runIronlb(l, bird);
          samples.get(who)?.push(s);
          rss = s.rss;
          if (r < rounds - 1) {
            await l.killSpeaker(NODE, 'SIGTERM');
            await waitEmpty(bird, [PROTOCOL]);
          }
        } else {
          samples.get(who)?.push(await runOther(l, bird, who, prefixes));
        }
      }
    }
    let oneMoreMs = NaN;
    let rssAfter = NaN;
    if (chosen.includes('ironlb')) {
      progress('one more Service');
      const t1 = performance.now();
      await createServices(client, l.server.url, N, N + 1, 1);
      const oneMore = await watchImports(bird, [PROTOCOL], N + 1, 60_000);
      oneMoreMs = oneMore.fullAt - t1;
      rssAfter = rssOf(l.speakers.get(NODE)?.child.pid ?? 0);
    }
    const nodeIp = l.lab.host(NODE).ipv6?.split('/')[0] ?? '';
    const pure = inProcess(ips, nodeIp);

    const med = (who: Who, f: (s: Sample) => number): number => median((samples.get(who) ?? []).map(f));
    console.log(
      `BGP scale, in the lab: ${N} IPv6 /128s from ${NODE} to the router's BIRD over one IPv6 eBGP session; median of ${rounds} round(s), advertisers alternated`,
    );
    console.log(
      `  time = from the router seeing the session Established until it counts all ${N} routes imported (polled every ${POLL_MS} ms); each advertiser has its whole table before its session comes up`,
    );
    for (const who of chosen) {
      const est = med(who, (s) => s.fromEstablishedMs);
      const start = med(who, (s) => s.fromStartMs);
      const bpp = med(who, (s) => s.bytesPerPrefix);
      console.log(
        `    ${LABEL[who].padEnd(30)} ${fmt(est, 0).padStart(6)} ms from Established; ${fmt(start, 0).padStart(6)} ms from process start; ${fmt(bpp, 2)} bytes per prefix on the wire`,
      );
    }
    const others = chosen.filter((w) => w !== 'ironlb');
    // A time under the poll step is known only to be under it: ratios take the step as its floor.
    const est = (w: Who): number =>
      Math.max(
        POLL_MS,
        med(w, (s) => s.fromEstablishedMs),
      );
    const fastest = others.reduce<Who>((a, b) => (est(a) <= est(b) ? a : b), 'ironlb');
    const ratio = est('ironlb') / est(fastest);
    if (chosen.length === WHO.length)
      console.log(
        `    ratios ironlb / X (from Established, times under ${POLL_MS} ms counted as ${POLL_MS}): ${others.map((w) => `${w} ${fmt(est('ironlb') / est(w), 2)}`).join(', ')}; target <= 1.0 against the fastest (${fastest}): ${ratio <= 1 ? 'met' : 'NOT met'} (${fmt(ratio, 2)})`,
      );
    console.log(
      `  one more Service at ${N}: created to the router holding it in ${fmt(oneMoreMs, 0)} ms (API write, controller assignment, speaker plan, UPDATE)`,
    );
    console.log(
      `  ironlb-speaker RSS (its own pid): ${mib(rss)} with ${N} routes advertised, ${mib(rssAfter)} after the one more`,
    );
    console.log(
      `  in process (adj-RIB-out setRoutes + encode, ${N} routes with one attributes object each): ${fmt(pure.ms, 1)} ms for ${pure.messages} UPDATEs (End-of-RIB included), ${pure.bytes} bytes = ${fmt(pure.bytes / N, 2)} bytes per prefix`,
    );
    console.log('  reproduce: npm run bench -- bgp-scale [--rounds N] (root: it builds the network lab)');
  } finally {
    if (profDir) await l.killSpeaker(NODE, 'SIGTERM');
    bird?.close();
    client.close();
    await l.stop();
  }
}
