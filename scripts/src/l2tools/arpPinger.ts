// ARP pinger for the l2-failover benchmark, run compiled inside a lab namespace (the client's):
//   node scripts/dist/l2tools/arpPinger.js --interface eth0 --sender-ip 198.51.100.100 --interval-ms 10 \
//     --target 198.51.100.200 [--target 198.51.100.11 ...] [--alternate] [--count <requests>]
// Sends a broadcast ARP request every interval: one per target each tick, or with --alternate one per tick, cycling
// through the targets (so two targets are measured interleaved, never in the same instant). Built with the speaker's
// own AF_PACKET addon and codecs. Prints JSON lines on stdout:
//   {"ready":true,"mac":"..","ifindex":n}                         once the socket is open, before the first request
//   {"t":<ms>,"ip":"..","mac":"..","rttMs":<ms>,"seq":n}          one per ARP reply to us for a target
//   {"done":true,"sent":n}                                        on SIGTERM, SIGINT, stdin end, or after --count
// t is performance.timeOrigin + performance.now() when the reply reached JS; rttMs is measured from the send time of
// the newest request for that target (seq numbers every request sent, from 0), so it holds while replies come within
// an interval; mac is the reply's ARP sender hardware address.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { ParsedIP } from '@ironlb/shared';
import { arpRequest, decodeArp, encodeArp, formatMac, isIgnored, openPacketSocket } from '@ironlb/speaker';

const usage =
  'usage: arpPinger --interface <if> --sender-ip <ipv4> --interval-ms <ms> --target <ipv4> [--target ...] ' +
  '[--alternate] [--count <requests>]';

function ipv4(text: string): ParsedIP {
  const parts = text.split('.');
  const bytes = parts.map(Number);
  if (parts.length !== 4 || bytes.some((b, i) => !/^\d{1,3}$/.test(parts[i]) || b > 255)) {
    console.error(`not an IPv4 address: ${text}\n${usage}`);
    process.exit(2);
  }
  return { family: 'IPv4', value: BigInt(((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3]) };
}

const ipText = (v: bigint): string => [24, 16, 8, 0].map((s) => String((Number(v) >>> s) & 255)).join('.');

const { values } = parseArgs({
  options: {
    interface: { type: 'string', default: 'eth0' },
    'sender-ip': { type: 'string' },
    'interval-ms': { type: 'string', default: '10' },
    target: { type: 'string', multiple: true },
    alternate: { type: 'boolean', default: false },
    count: { type: 'string' },
  },
});
const intervalMs = Number(values['interval-ms']);
const count = values.count === undefined ? Infinity : Number(values.count);
if (!values['sender-ip'] || !values.target?.length || !(intervalMs > 0) || !(count > 0)) {
  console.error(usage);
  process.exit(2);
}
const sender = ipv4(values['sender-ip']);
const targets = values.target.map(ipv4);
const now = (): number => performance.timeOrigin + performance.now();

/** The newest request per target, by the target's numeric value. */
const lastSent = new Map<bigint, { seq: number; t: number }>();
const wanted = new Set(targets.map((t) => t.value));

const sock = openPacketSocket(
  values.interface,
  (frames) => {
    const t = now();
    for (const f of frames) {
      const arp = decodeArp(f);
      if (isIgnored(arp) || arp.op !== 'reply') continue;
      // Replies to our requests only: to our MAC, for our sender address, about an address we asked for.
      if (!arp.ethDst.equals(sock.mac) || arp.targetIP.value !== sender.value) continue;
      if (!wanted.has(arp.senderIP.value)) continue;
      const req = lastSent.get(arp.senderIP.value);
      if (!req) continue;
      const line = {
        t: Number(t.toFixed(3)),
        ip: ipText(arp.senderIP.value),
        mac: formatMac(arp.senderMac),
        rttMs: Number((t - req.t).toFixed(3)),
        seq: req.seq,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  },
  (e) => process.stdout.write(`${JSON.stringify({ error: e.message })}\n`),
);

const frames = targets.map((target) => encodeArp(arpRequest(sock.mac, sender, target)));

let seq = 0;
let tick = 0;
let timer: NodeJS.Timeout | undefined;
let finished = false;

function sendOne(i: number): void {
  const t = now();
  try {
    sock.send(frames[i]);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  }
  lastSent.set(targets[i].value, { seq: seq++, t });
}

const start = performance.now();
function onTick(): void {
  if (values.alternate) sendOne(tick % targets.length);
  else for (let i = 0; i < targets.length; i++) sendOne(i);
  tick++;
  if (seq >= count) {
    // The last replies still have an interval to arrive.
    timer = setTimeout(finish, Math.max(intervalMs, 50));
    return;
  }
  // Against the start, not the last tick: late timers do not accumulate into a slower rate.
  timer = setTimeout(onTick, Math.max(0, start + tick * intervalMs - performance.now()));
}

function finish(): void {
  if (finished) return;
  finished = true;
  if (timer) clearTimeout(timer);
  sock.close();
  process.stdout.write(`${JSON.stringify({ done: true, sent: seq })}\n`, () => process.exit(0));
}

process.on('SIGTERM', finish);
process.on('SIGINT', finish);
process.stdin.on('end', finish);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ ready: true, mac: formatMac(sock.mac), ifindex: sock.ifindex })}\n`);
onTick();
