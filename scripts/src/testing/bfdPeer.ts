/**
 * A BFD end for the lab tests: BfdSessions with one session to each peer given, run as a child process inside a
 * node's network namespace (`ip netns exec`). It prints one JSON line per event on stdout and obeys one command
 * per line on stdin:
 *   info          prints {"event":"info", sessions:[...]} (each session's state, diag and negotiated timers)
 *   block <ms>    keeps the main event loop busy for <ms> (the worker thread must keep the sessions Up)
 *   remove        removes every session (AdminDown to each peer), prints {"event":"removed"}
 * and closes everything and exits when stdin ends.
 *
 * Usage: node scripts/dist/testing/bfdPeer.js '<json: {"peers":[{"peerAddress","localAddress"?,"multihop"}],
 *   "profile":{...BFDProfile}}>'
 */
import * as readline from 'node:readline';
import { BfdSessions, type BfdPeer, type BfdSessionHandle } from '@ironlb/speaker';
import type { BFDProfile } from '@ironlb/shared/config';

interface Args {
  readonly peers: readonly Omit<BfdPeer, 'profile'>[];
  readonly profile: BFDProfile;
}

const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new Error('usage: bfdPeer <json>');
  const args = JSON.parse(raw) as Args;
  if (!Array.isArray(args.peers) || typeof args.profile !== 'object') throw new Error('want {peers: [...], profile}');
  const bfd = BfdSessions.start({
    onError: (message) => print({ event: 'error', message }),
    onDrops: (counts) => print({ event: 'drops', counts }),
  });
  const handles: BfdSessionHandle[] = [];
  for (const p of args.peers) {
    const h = await bfd.add({ ...p, profile: args.profile });
    h.onStateChange((change, info) => print({ event: 'state', peer: h.peerAddress, change, info }));
    handles.push(h);
    print({ event: 'added', peer: h.peerAddress, info: h.info });
  }
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'info') {
      void Promise.all(handles.map((h) => h.refresh().then((info) => ({ peer: h.peerAddress, ...info })))).then(
        (sessions) => print({ event: 'info', sessions }),
        (err: unknown) => print({ event: 'error', message: String(err) }),
      );
    } else if (cmd === 'block') {
      const until = Date.now() + Number(arg);
      while (Date.now() < until) {
        // Busy on purpose: the planner at 10k Services can hold the main loop like this.
      }
      print({ event: 'unblocked' });
    } else if (cmd === 'remove') {
      void Promise.all(handles.map((h) => h.remove())).then(() => print({ event: 'removed' }));
    } else {
      print({ event: 'error', message: `unknown command ${JSON.stringify(line)}` });
    }
  });
  rl.on('close', () => {
    void bfd.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  print({ event: 'fatal', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
