// Test fixture for scripts/src/lab/packetSocket.e2e.test.ts, run compiled inside a lab namespace:
//   node scripts/dist/l2tools/arpEcho.js <ifname> <ipv4 to answer for> [<multicast MAC to join>]
// Answers ARP requests for the address with a hand-built reply from the interface's MAC, and prints one line
// per frame that reaches JS: `arp-request <spa> <tpa>`, `arp-reply <sha> <spa>`, `ns <target>`, `na <target>`,
// or `other <ethertype>` (the BPF filter should make that impossible). stdin commands: `drop` (leave the group),
// `close` (close twice, then exit 0). SIGTERM closes and exits too.
import * as readline from 'node:readline';
import { openPacketSocket } from '@ironlb/speaker';

const [ifname, answerFor, group] = process.argv.slice(2);
if (!ifname || !answerFor) {
  console.error('usage: arpEcho <ifname> <ipv4> [<multicast mac>]');
  process.exit(2);
}
const ip4 = Buffer.from(answerFor.split('.').map(Number));
const macBytes = (mac: string): Buffer => Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
const macText = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip6Text = (b: Buffer): string =>
  Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i).toString(16)).join(':');

function arpReply(mac: Buffer, req: Buffer): Buffer {
  const f = Buffer.alloc(42);
  req.copy(f, 0, 22, 28); // to the requester's sender MAC
  mac.copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14); // Ethernet
  f.writeUInt16BE(0x0800, 16); // IPv4
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(2, 20); // reply
  mac.copy(f, 22); // sender: us, for the address asked about
  ip4.copy(f, 28);
  req.copy(f, 32, 22, 32); // target: the requester's MAC and IPv4
  return f;
}

const sock = openPacketSocket(
  ifname,
  (frames) => {
    for (const f of frames) {
      const type = f.readUInt16BE(12);
      if (type === 0x0806 && f.length >= 42) {
        const op = f.readUInt16BE(20);
        const spa = [...f.subarray(28, 32)].join('.');
        const tpa = [...f.subarray(38, 42)].join('.');
        if (op === 1) {
          console.log(`arp-request ${spa} ${tpa}`);
          if (f.subarray(38, 42).equals(ip4)) sock.send(arpReply(sock.mac, f));
        } else console.log(`arp-reply ${macText(f.subarray(22, 28))} ${spa}`);
      } else if (type === 0x86dd && f.length >= 78 && f[20] === 58 && (f[54] === 135 || f[54] === 136)) {
        console.log(`${f[54] === 135 ? 'ns' : 'na'} ${ip6Text(f.subarray(62, 78))}`);
      } else console.log(`other 0x${type.toString(16)}`);
    }
  },
  (e) => console.log(`error ${e.message}`),
);
if (group) sock.addMembership(macBytes(group));
console.log(`ready ${macText(sock.mac)} ${sock.ifindex}`);

const close = (): void => {
  sock.close();
  sock.close();
  console.log('closed');
  process.exit(0);
};
process.on('SIGTERM', close);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'drop' && group) {
    sock.dropMembership(macBytes(group));
    console.log('dropped');
  } else if (line === 'close') close();
});
