// Benchmark load, run compiled inside a lab namespace:
//   node scripts/dist/l2tools/arpFlood.js <ifname> <sender ipv4> <count> <first target ipv4> <targets> [<dst mac>]
// Sends `count` ARP requests (broadcast, or unicast to `dst mac` so that only that host gets them) as fast as the socket takes them, for `targets` addresses from the first one
// on (none of them announced), then prints `sent <n> in <ms> ms` and exits. The flood a speaker must shrug off.
import { parseIP } from '@ironlb/shared';
import { arpRequest, encodeArp, openPacketSocket, parseMac } from '@ironlb/speaker';

const [ifname, senderText, countText, firstText, spanText, dstText] = process.argv.slice(2);
const dst = dstText === undefined ? undefined : parseMac(dstText);
const sender = parseIP(senderText ?? '');
const first = parseIP(firstText ?? '');
const count = Number(countText);
const span = Number(spanText);
if (
  !ifname ||
  sender?.family !== 'IPv4' ||
  first?.family !== 'IPv4' ||
  !(count > 0) ||
  !(span > 0) ||
  (dstText !== undefined && dst === undefined)
) {
  console.error('usage: arpFlood <ifname> <sender ipv4> <count> <first target ipv4> <targets> [<dst mac>]');
  process.exit(2);
}
const sock = openPacketSocket(
  ifname,
  () => undefined,
  (e) => console.error(e.message),
);
const frames = Array.from({ length: span }, (_, i) =>
  encodeArp({
    ...arpRequest(sock.mac, sender, { family: 'IPv4', value: first.value + BigInt(i) }),
    ...(dst ? { ethDst: dst } : {}),
  }),
);
const started = performance.now();
let sent = 0;
// In slices, so the event loop (and a SIGTERM) is never blocked for long.
const slice = (): void => {
  for (let i = 0; i < 1_000 && sent < count; i++, sent++) {
    try {
      sock.send(frames[sent % span]);
    } catch {
      // A full socket buffer drops one: the flood's rate, not its count, is what matters.
    }
  }
  if (sent < count) setImmediate(slice);
  else {
    console.log(`sent ${sent} in ${Math.round(performance.now() - started)} ms`);
    sock.close();
  }
};
slice();
