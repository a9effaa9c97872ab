/**
 * The speaker's Prometheus metrics (prom-client), served on --metrics-port when asked: per mode, the IPs this node
 * announces and those it does not by reason code, and how many plans it made; for layer 2, answers sent and conflicts seen (another MAC
 * answering for one of our IPs); datagrams dropped on the heartbeat port, by reason (a wrong key, a replay, ...).
 */
import type * as http from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { serveMetrics, type IPFamily } from '@ironlb/shared';
import type { Announcement, ModePlan } from '../mode/mode';
import { NOT_ANNOUNCED_CODES, type NotAnnouncedCode } from '../mode/reasons';
import { REJECTED_REASONS, type RejectedReason } from '../membership';

export interface SpeakerMetrics {
  readonly registry: Registry;
  /** After each plan: one more plan, how many IPs the mode announces here, and how many it does not, by reason code. */
  planned(mode: string, plan: ModePlan<Announcement>): void;
  l2Answered(family: IPFamily): void;
  l2Conflict(): void;
  heartbeatRejected(reason: RejectedReason): void;
  serve(port: number, log: Logger): http.Server;
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
  return {
    registry,
    planned(mode, plan) {
      plans.inc({ mode });
      announced.set({ mode }, plan.announce.size);
      const byCode = new Map<NotAnnouncedCode, number>();
      for (const s of plan.skip.values()) byCode.set(s.reason.code, (byCode.get(s.reason.code) ?? 0) + 1);
      // A reason no IP has any more must read 0, not its last count.
      for (const reason of NOT_ANNOUNCED_CODES) unannounced.set({ mode, reason }, byCode.get(reason) ?? 0);
    },
    l2Answered: (family) => answers.inc({ family }),
    l2Conflict: () => conflicts.inc(),
    heartbeatRejected: (reason) => rejected.inc({ reason }),
    serve: (port, log) => serveMetrics(registry, port, log),
  };
}
