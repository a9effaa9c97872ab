/**
 * The speaker's Prometheus metrics (prom-client), served on --metrics-port when asked: answers sent, conflicts seen
 * (another MAC answering for one of our IPs), and how many IPs this node announces.
 */
import * as http from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';

export interface SpeakerMetrics {
  readonly registry: Registry;
  readonly answers: Counter<'family'>;
  readonly conflicts: Counter;
  serve(port: number, log: Logger): http.Server;
}

export function speakerMetrics(announcedCount: () => number): SpeakerMetrics {
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
  new Gauge({
    name: 'ironlb_speaker_l2_announced_ips',
    help: 'IPs this node answers ARP/NDP for',
    registers: [registry],
    collect() {
      this.set(announcedCount());
    },
  });
  return {
    registry,
    answers,
    conflicts,
    serve: (port, log) =>
      http
        .createServer((req, res) => {
          if (req.url !== '/metrics') {
            res.writeHead(404).end();
            return;
          }
          registry.metrics().then(
            (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
            () => res.writeHead(500).end(),
          );
        })
        .listen(port, () => log.info({ port }, 'serving metrics')),
  };
}
