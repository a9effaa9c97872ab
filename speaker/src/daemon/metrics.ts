/**
 * The speaker's Prometheus metrics (prom-client), served on --metrics-port: per mode, the IPs this node announces
 * and those it does not by reason code, and how many plans it made; for layer 2, answers sent and conflicts seen
 * (another MAC answering for one of our IPs); for BGP, per peer: session up and state, prefixes, UPDATEs, BFD;
 * datagrams dropped on the heartbeat port, by reason (a wrong key, a replay, ...). Beside them, MetalLB's names under
 * ironlb_ (dashboards and alerts written for MetalLB read them): the config gauges, BGP session up and prefixes per
 * peer, and layer 2 requests, responses, gratuitous announcements and conflicts per IP; each set where its
 * ironlb_speaker_ counterpart is, from the same value.
 */
import type * as http from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { formatIP, type ParsedIP } from '@ironlb/shared';
import type { Announcement, ModePlan } from '../mode/mode';
import { NOT_ANNOUNCED_CODES, type NotAnnouncedCode } from '../mode/reasons';
import { REJECTED_REASONS, type RejectedReason } from '../membership';
import type { PeerStatus, SessionState } from '../bgp/peer/types';
import type { AppliedSync } from '../dataplane/sync';
import { configGauges, serveDaemonPort, type NotReady } from '@ironlb/shared';

const SESSION_STATES: readonly SessionState[] = ['idle', 'connect', 'active', 'openSent', 'openConfirm', 'established'];

export interface SpeakerMetrics {
  readonly registry: Registry;
  /** After each plan: one more plan, how many IPs the mode announces here, and how many it does not, by reason code. */
  planned(mode: string, plan: ModePlan<Announcement>): void;
  /** Layer 2, per IP: a request answered, a request heard, a gratuitous announcement sent, another MAC seen. */
  l2Answered(ip: ParsedIP): void;
  l2Requested(ip: ParsedIP): void;
  l2Gratuitous(ip: ParsedIP): void;
  l2Conflict(ip: ParsedIP): void;
  /** The config was parsed from the objects read from the API server; `errors`: how many errors it reported. */
  configParsed(errors: number): void;
  heartbeatRejected(reason: RejectedReason): void;
  /** After each BGP apply: every session's status by peer name; peers no longer listed lose their series. */
  bgpSessions(statuses: ReadonlyMap<string, PeerStatus>): void;
  /** After each successful dataplane apply, and each failed one. */
  dataplaneApplied(backend: string, s: AppliedSync): void;
  dataplaneFailed(backend: string): void;
  /** /metrics, /healthz and /readyz on `port` (probes.ts). */
  serve(port: number, log: Logger, notReady: NotReady): http.Server;
}

export function speakerMetrics(): SpeakerMetrics {
  const registry = new Registry();
  const answers = new Counter({
    name: 'ironlb_speaker_l2_answers_total',
    help: 'ARP replies and Neighbor Advertisements sent for announced IPs',
    labelNames: ['family'] as const,
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'ironlb_speaker_l2_conflicts_total',
    help: 'Frames in which another MAC answered or announced an IP this node announces',
    registers: [registry],
  });
  const announced = new Gauge({
    name: 'ironlb_speaker_announced_ips',
    help: 'IPs this node announces, per mode',
    labelNames: ['mode'] as const,
    registers: [registry],
  });
  const plans = new Counter({
    name: 'ironlb_speaker_plans_total',
    help: 'Plans made (the cluster view turned into announcements), per mode',
    labelNames: ['mode'] as const,
    registers: [registry],
  });
  const unannounced = new Gauge({
    name: 'ironlb_speaker_unannounced_ips',
    help: 'IPs shown by Services that this node does not announce, per mode and reason code',
    labelNames: ['mode', 'reason'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'ironlb_speaker_heartbeats_rejected_total',
    help: 'Datagrams on the heartbeat port dropped, by reason: malformed, badSignature (not signed with an accepted key), replayed (stale or repeated), unknownNode, ownName',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of REJECTED_REASONS) rejected.inc({ reason }, 0);
  const bgp = bgpMetrics(registry);
  const dataplane = dataplaneMetrics(registry);
  const layer2 = layer2Metrics(registry);
  const config = configGauges(registry);
  return {
    registry,
    planned(mode, plan) {
      if (mode === 'layer2') layer2.keepOnly([...plan.announce.values()].map((a) => formatIP(a.ip)));
      plans.inc({ mode });
      announced.set({ mode }, plan.announce.size);
      const byCode = new Map<NotAnnouncedCode, number>();
      for (const s of plan.skip.values()) byCode.set(s.reason.code, (byCode.get(s.reason.code) ?? 0) + 1);
      // A reason no IP has any more must read 0, not its last count.
      for (const reason of NOT_ANNOUNCED_CODES) unannounced.set({ mode, reason }, byCode.get(reason) ?? 0);
    },
    l2Answered(ip) {
      answers.inc({ family: ip.family });
      layer2.count('responses', ip);
    },
    l2Requested: (ip) => layer2.count('requests', ip),
    l2Gratuitous: (ip) => layer2.count('gratuitous', ip),
    l2Conflict(ip) {
      conflicts.inc();
      layer2.count('conflicts', ip);
    },
    configParsed: (errors) => config.parsed(errors),
    heartbeatRejected: (reason) => rejected.inc({ reason }),
    bgpSessions: (statuses) => bgp(statuses),
    dataplaneApplied: dataplane.applied,
    dataplaneFailed: dataplane.failed,
    serve: (port, log, notReady) => serveDaemonPort(registry, port, log, notReady),
  };
}

/**
 * MetalLB's layer 2 counters, per IP. An IP's series go when a layer 2 plan no longer announces it here, so they do
 * not pile up as Services come and go; one answered while it is handed over starts a series again until the next plan.
 */
function layer2Metrics(registry: Registry): {
  count(kind: 'requests' | 'responses' | 'gratuitous' | 'conflicts', ip: ParsedIP): void;
  keepOnly(announced: Iterable<string>): void;
} {
  const counter = (name: string, help: string): Counter<'ip'> =>
    new Counter({ name, help, labelNames: ['ip'] as const, registers: [registry] });
  const counters = {
    requests: counter(
      'ironlb_layer2_requests_received',
      'ARP requests and Neighbor Solicitations received for an IP this node announces',
    ),
    responses: counter(
      'ironlb_layer2_responses_sent',
      'ARP replies and Neighbor Advertisements sent for an IP this node announces',
    ),
    gratuitous: counter(
      'ironlb_layer2_gratuitous_sent',
      'Gratuitous ARPs and unsolicited Neighbor Advertisements sent for an IP this node took',
    ),
    conflicts: counter(
      'ironlb_layer2_conflicts_total',
      'Frames in which another MAC answered or announced an IP this node announces',
    ),
  };
  /** The IPs any of them has a series for. */
  const labelled = new Set<string>();
  return {
    count(kind, ip) {
      const text = formatIP(ip);
      labelled.add(text);
      counters[kind].inc({ ip: text });
    },
    keepOnly(announced) {
      const keep = new Set(announced);
      for (const ip of labelled) {
        if (keep.has(ip)) continue;
        for (const c of Object.values(counters)) c.remove({ ip });
        labelled.delete(ip);
      }
    },
  };
}

/**
 * Per BGP peer: session up, its state (one series per state, 1 for the current: why a session is not up, without
 * free text as a label), prefixes advertised, UPDATEs sent and received (counters fed from the edge's running
 * totals: a replaced edge starts again from 0, which counts as a reset), and BFD up when configured.
 */
function bgpMetrics(registry: Registry): (statuses: ReadonlyMap<string, PeerStatus>) => void {
  const labelNames = ['peer'] as const;
  const up = new Gauge({
    name: 'ironlb_speaker_bgp_session_up',
    help: 'Whether the BGP session with the peer is established (1) or not (0)',
    labelNames,
    registers: [registry],
  });
  const state = new Gauge({
    name: 'ironlb_speaker_bgp_session_state',
    help: 'The BGP session state with the peer: 1 for the current state, 0 for the others',
    labelNames: ['peer', 'state'] as const,
    registers: [registry],
  });
  const prefixes = new Gauge({
    name: 'ironlb_speaker_bgp_announced_prefixes',
    help: 'Prefixes this node advertises to the peer',
    labelNames,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'ironlb_speaker_bgp_updates_sent_total',
    help: 'BGP UPDATE messages sent to the peer',
    labelNames,
    registers: [registry],
  });
  const received = new Counter({
    name: 'ironlb_speaker_bgp_updates_received_total',
    help: 'BGP UPDATE messages received from the peer',
    labelNames,
    registers: [registry],
  });
  // MetalLB's names, set beside ironlb_speaker_bgp_session_up and _announced_prefixes from the same values.
  const metallbUp = new Gauge({
    name: 'ironlb_bgp_session_up',
    help: 'Whether the BGP session with the peer is established (1) or not (0)',
    labelNames,
    registers: [registry],
  });
  const metallbPrefixes = new Gauge({
    name: 'ironlb_bgp_announced_prefixes_total',
    help: 'Prefixes this node advertises to the peer (a gauge despite its name, as in MetalLB)',
    labelNames,
    registers: [registry],
  });
  const bfd = new Gauge({
    name: 'ironlb_speaker_bfd_session_up',
    help: 'Whether the BFD session with the peer is up (1) or not (0); only for peers with a BFDProfile',
    labelNames,
    registers: [registry],
  });
  const last = new Map<string, { sent: number; received: number }>();
  const delta = (now: number, before: number | undefined): number =>
    before === undefined || now < before ? now : now - before;
  return (statuses) => {
    for (const peer of last.keys()) {
      if (statuses.has(peer)) continue;
      for (const m of [up, metallbUp, prefixes, metallbPrefixes, sent, received, bfd]) m.remove({ peer });
      for (const s of SESSION_STATES) state.remove({ peer, state: s });
      last.delete(peer);
    }
    for (const [peer, st] of statuses) {
      for (const m of [up, metallbUp]) m.set({ peer }, st.state === 'established' ? 1 : 0);
      for (const s of SESSION_STATES) state.set({ peer, state: s }, st.state === s ? 1 : 0);
      for (const m of [prefixes, metallbPrefixes]) m.set({ peer }, st.prefixesAdvertised);
      const before = last.get(peer);
      sent.inc({ peer }, delta(st.updatesSent, before?.sent));
      received.inc({ peer }, delta(st.updatesReceived, before?.received));
      last.set(peer, { sent: st.updatesSent, received: st.updatesReceived });
      if (st.bfd === undefined) bfd.remove({ peer });
      else bfd.set({ peer }, st.bfd === 'up' ? 1 : 0);
    }
  };
}

/** The dataplane: sync time by kind (full or diff), bytes of rules written, forwards programmed, failed syncs. */
function dataplaneMetrics(registry: Registry): {
  applied(backend: string, s: AppliedSync): void;
  failed(backend: string): void;
} {
  const seconds = new Histogram({
    name: 'ironlb_speaker_dataplane_sync_seconds',
    help: 'Time to apply a dataplane sync, by backend and kind (full: the whole ruleset; diff: only what changed)',
    labelNames: ['backend', 'kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'ironlb_speaker_dataplane_bytes_total',
    help: 'Bytes of rules handed to the kernel by dataplane syncs',
    labelNames: ['backend'] as const,
    registers: [registry],
  });
  const forwards = new Gauge({
    name: 'ironlb_speaker_dataplane_forwards',
    help: 'VIP:protocol:port forwards programmed on this node',
    labelNames: ['backend'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'ironlb_speaker_dataplane_sync_failures_total',
    help: 'Dataplane syncs that failed (retried as full rewrites)',
    labelNames: ['backend'] as const,
    registers: [registry],
  });
  return {
    applied(backend, s) {
      seconds.observe({ backend, kind: s.full ? 'full' : 'diff' }, s.seconds);
      bytes.inc({ backend }, s.bytes);
      forwards.set({ backend }, s.forwards);
    },
    failed: (backend) => failures.inc({ backend }),
  };
}
