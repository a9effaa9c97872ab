import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { encodeHeartbeat } from './codec';
import type { Heartbeat } from './heartbeat';
import type { MembershipChange } from './membership';
import { DEFAULT_MEMBERSHIP_TIMING as T } from './timing';
import { UdpMembership, type RejectedReason, type UdpMembershipOptions } from './udp';

// Real sockets on loopback, default timing. Machines running these tests are noisy, so the assertions are about
// outcomes and order; the only time bounds are the protocol's own, with generous slack, and measured times are printed.
const SLACK_MS = 2_000;
const KEY = Buffer.alloc(32, 'k');
const KEYS = { sign: KEY, accept: [KEY] };

interface Speaker {
  readonly name: string;
  readonly udp: UdpMembership;
  readonly events: { at: number; change: MembershipChange }[];
  readonly warnings: string[];
  readonly rejected: RejectedReason[];
}

async function speaker(
  name: string,
  address = '127.0.0.1',
  more: Partial<UdpMembershipOptions> = {},
): Promise<Speaker> {
  const events: Speaker['events'] = [];
  const warnings: string[] = [];
  const rejected: RejectedReason[] = [];
  const udp = await UdpMembership.start({
    self: name,
    keys: KEYS,
    addresses: [address],
    port: 0,
    onChange: (change) => events.push({ at: performance.now(), change }),
    onWarning: (w) => warnings.push(w),
    onRejected: (r) => rejected.push(r),
    ...more,
  });
  return { name, udp, events, warnings, rejected };
}

function connect(all: Speaker[]): void {
  for (const s of all) {
    s.udp.setPeers(all.map((p) => ({ node: p.name, address: p.udp.bound[0].address, port: p.udp.bound[0].port })));
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** When `s` last reported `node` leaving, and why. */
function lastLeft(s: Speaker, node: string): { at: number; why: string } | undefined {
  for (let i = s.events.length - 1; i >= 0; i--) {
    const left = s.events[i].change.left.find((x) => x.node === node);
    if (left) return { at: s.events[i].at, why: left.why };
    if (s.events[i].change.joined.some((x) => x.node === node)) return undefined;
  }
  return undefined;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();
const running: Speaker[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.udp.close()));
});

async function cluster(names: string[], address = '127.0.0.1'): Promise<Speaker[]> {
  const all = await Promise.all(names.map((n) => speaker(n, address)));
  running.push(...all);
  connect(all);
  await waitFor('everyone to see everyone', () => all.every((s) => s.udp.alive().size === names.length));
  return all;
}

describe('UdpMembership over loopback', () => {
  it('three speakers find each other; a killed one is dropped by both others within the bound; it rejoins', async () => {
    const [a, b, c] = await cluster(['node-a', 'node-b', 'node-c']);
    expect(sorted(a.udp.alive())).toEqual(['node-a', 'node-b', 'node-c']);

    const killedAt = performance.now();
    await c.udp.close(); // no leave: as if killed
    await waitFor('node-c to be dropped', () => [a, b].every((s) => lastLeft(s, 'node-c') !== undefined));
    for (const s of [a, b]) {
      const left = lastLeft(s, 'node-c');
      if (left === undefined) throw new Error(`${s.name} never reported node-c leaving`);
      const after = left.at - killedAt;
      console.log(
        `${s.name} dropped the killed node-c after ${after.toFixed(0)} ms (protocol: ${T.refusedAfterMs - T.intervalMs}-${T.refusedAfterMs + T.tickMs} ms)`,
      );
      // Its port closed with it: the next heartbeat to it was refused, so refusedAfterMs of silence decides.
      expect(left.why).toBe('refused');
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThan(T.refusedAfterMs + T.tickMs + SLACK_MS);
      expect(sorted(s.udp.alive())).toEqual(['node-a', 'node-b']);
    }
    console.log(`node-a counters: ${JSON.stringify(a.udp.counters())}`);

    // Restarted on the same port: a new process, a later incarnation, its sequence from 1 again.
    const port = c.udp.bound[0].port;
    const c2 = await speaker('node-c', '127.0.0.1', { port });
    running.push(c2);
    connect([a, b, c2]);
    const restartedAt = performance.now();
    await waitFor('node-c to rejoin', () => [a, b].every((s) => s.udp.alive().has('node-c')));
    console.log(`node-c rejoined after ${(performance.now() - restartedAt).toFixed(0)} ms`);
    expect(sorted(c2.udp.alive())).toEqual(['node-a', 'node-b', 'node-c']);
  });

  it('a speaker is alive to its peers from its start, and eligible once it marks itself ready', async () => {
    const [a, b] = await cluster(['node-a', 'node-b']);
    expect(sorted(a.udp.eligible())).toEqual([]);
    expect(sorted(b.udp.eligible())).toEqual([]);
    expect(sorted(a.udp.starting())).toEqual(['node-b']);
    b.udp.markReady();
    expect(sorted(b.udp.eligible())).toEqual(['node-b']);
    const readyAt = performance.now();
    // markReady sends a heartbeat at once: a hears it well before the next round.
    await waitFor('node-b to be eligible to node-a', () => a.udp.eligible().has('node-b'));
    console.log(`node-a saw node-b ready ${(performance.now() - readyAt).toFixed(1)} ms after markReady`);
    const seen = a.events.find((e) => e.change.ready.includes('node-b'));
    expect(seen?.change.eligible).toEqual(new Set(['node-b']));
    expect(sorted(a.udp.alive())).toEqual(['node-a', 'node-b']);
    expect(sorted(a.udp.starting())).toEqual([]);
  });

  it('an event loop blocked for 350 ms (every speaker here frozen at once) declares nobody dead', async () => {
    const all = await cluster(['node-a', 'node-b', 'node-c']);
    for (let i = 0; i < 3; i++) {
      const until = performance.now() + 350;
      while (performance.now() < until); // the whole process stalls: timers late, datagrams queued
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const s of all) {
      expect(s.events.filter((e) => e.change.left.length > 0)).toEqual([]);
      expect(sorted(s.udp.alive())).toEqual(['node-a', 'node-b', 'node-c']);
    }
  });

  it('a graceful stop is noticed by its leave, not by silence', async () => {
    const [a, b, c] = await cluster(['node-a', 'node-b', 'node-c']);
    const leftAt = performance.now();
    await b.udp.leave();
    await waitFor('node-b to be dropped', () => [a, c].every((s) => lastLeft(s, 'node-b') !== undefined));
    for (const s of [a, c]) {
      const left = lastLeft(s, 'node-b');
      if (left === undefined) throw new Error(`${s.name} never reported node-b leaving`);
      console.log(`${s.name} dropped node-b ${(left.at - leftAt).toFixed(0)} ms after leave() began`);
      expect(left.why).toBe('leaving');
      expect(sorted(s.udp.alive())).toEqual(['node-a', 'node-c']);
    }
  });

  it('ignores and counts junk, strangers and its own name, logging each sender once, and keeps working', async () => {
    const [a, b] = await cluster(['node-a', 'node-b']);
    const { address, port } = a.udp.bound[0];
    const junk = dgram.createSocket('udp4');
    const send = (data: Buffer) => new Promise<void>((r) => junk.send(data, port, address, () => r()));
    const stranger = (h: Partial<Heartbeat>): Buffer =>
      encodeHeartbeat(
        { node: 'node-z', incarnation: 1, epoch: '0000000000000001', seq: 1, leaving: false, ready: true, ...h },
        KEY,
      );
    const good = stranger({});
    const v3 = Buffer.from(good);
    v3[2] = 3;
    for (let i = 0; i < 5; i++) {
      await send(Buffer.from('definitely not a heartbeat'));
      await send(good.subarray(0, 10));
      await send(v3);
      await send(Buffer.concat([good, Buffer.alloc(1_000)]));
      await send(Buffer.alloc(0));
      await send(good);
      await send(stranger({ node: 'node-a', seq: 1 + i }));
    }
    junk.close();
    await waitFor('the junk to arrive', () => (a.udp.counters()['heartbeat.self'] ?? 0) === 5);
    const counters = a.udp.counters();
    console.log(`node-a counters: ${JSON.stringify(counters)}`);
    expect(counters).toMatchObject({
      'rejected.magic': 5,
      'rejected.truncated': 10,
      'rejected.version': 5,
      'rejected.oversize': 5,
      'heartbeat.unknown': 5,
      'heartbeat.self': 5,
    });
    const byReason = Object.fromEntries(
      ['malformed', 'unknownNode', 'ownName'].map((r) => [r, a.rejected.filter((x) => x === r).length]),
    );
    expect(byReason).toEqual({ malformed: 25, unknownNode: 5, ownName: 5 });
    // One sender: one line, for the first datagram; the rest are held back for a minute.
    expect(a.warnings).toEqual([expect.stringMatching(/^heartbeats from 127\.0\.0\.1 dropped: malformed 1;/)]);
    expect(sorted(a.udp.alive())).toEqual(['node-a', 'node-b']);
    // Still alive to b after all that (b hears a's heartbeats as before).
    await new Promise((r) => setTimeout(r, T.deadAfterMs + T.intervalMs));
    expect(sorted(b.udp.alive())).toEqual(['node-a', 'node-b']);
  });

  it('heartbeats heard before the node list arrived are counted, not logged: every start hears some', async () => {
    const a = await speaker('node-a');
    running.push(a);
    const b = await speaker('node-b');
    running.push(b);
    b.udp.setPeers([{ node: 'node-a', address: a.udp.bound[0].address, port: a.udp.bound[0].port }]);
    await waitFor('node-b heard', () => a.rejected.length >= 2);
    expect(new Set(a.rejected)).toEqual(new Set(['unknownNode']));
    expect(a.warnings).toEqual([]);
  });

  it('drops forged goodbyes (wrong key) and replayed genuine heartbeats: nothing changes', async () => {
    const [a, b] = await cluster(['node-a', 'node-b']);
    // A listener b also heartbeats to (as a sniffer on the wire would see them): genuine, signed datagrams.
    const sniffer = dgram.createSocket('udp4');
    const captured: Buffer[] = [];
    sniffer.on('message', (m) => captured.push(m));
    await new Promise<void>((r) => sniffer.bind(0, '127.0.0.1', () => r()));
    b.udp.setPeers([
      { node: 'node-a', address: a.udp.bound[0].address, port: a.udp.bound[0].port },
      { node: 'node-x', address: '127.0.0.1', port: sniffer.address().port },
    ]);
    await waitFor('some heartbeats of node-b', () => captured.length >= 5);
    const { address, port } = a.udp.bound[0];
    const send = (data: Buffer) => new Promise<void>((r) => sniffer.send(data, port, address, () => r()));
    const forged = (seq: number): Buffer =>
      encodeHeartbeat(
        {
          node: 'node-b',
          incarnation: Date.now() + 60_000,
          epoch: 'ffffffffffffffff',
          seq,
          leaving: true,
          ready: true,
        },
        Buffer.alloc(32, 'x'),
      );
    for (let i = 0; i < 20; i++) await send(forged(i));
    for (const m of captured.slice(0, 5)) await send(m);
    sniffer.close();
    await waitFor('the replays to arrive', () => (a.udp.counters()['heartbeat.stale'] ?? 0) >= 5);
    expect(a.udp.counters()['rejected.signature']).toBe(20);
    expect(a.rejected.filter((r) => r === 'badSignature')).toHaveLength(20);
    expect(a.rejected.filter((r) => r === 'replayed').length).toBeGreaterThanOrEqual(5);
    expect(a.warnings).toEqual([
      expect.stringMatching(/^heartbeats from 127\.0\.0\.1 dropped: badSignature 1 \(not signed/),
    ]);
    expect(lastLeft(a, 'node-b')).toBeUndefined();
    expect(sorted(a.udp.alive())).toEqual(['node-a', 'node-b']);
  });

  it('takes a second key during a rotation without a restart', async () => {
    const next = Buffer.alloc(32, 'n');
    const a = await speaker('node-a');
    const b = await speaker('node-b', '127.0.0.1', { keys: { sign: next, accept: [next] } });
    running.push(a, b);
    connect([a, b]);
    await waitFor('node-a to reject node-b', () => (a.udp.counters()['rejected.signature'] ?? 0) >= 2);
    expect(sorted(a.udp.alive())).toEqual(['node-a']);
    // Step 1 of a rotation: a accepts the new key too (signing with its old one, which b accepts from now on).
    a.udp.setKeys({ sign: KEY, accept: [KEY, next] });
    b.udp.setKeys({ sign: next, accept: [next, KEY] });
    await waitFor('both to see both', () => a.udp.alive().size === 2 && b.udp.alive().size === 2);
  });

  it('works over IPv6 loopback too', async () => {
    const [a, b] = await cluster(['node-a', 'node-b'], '::1');
    expect(a.udp.bound[0].address).toBe('::1');
    await b.udp.close();
    await waitFor('node-b to be dropped', () => lastLeft(a, 'node-b') !== undefined);
    expect(lastLeft(a, 'node-b')?.why).toBe('refused');
  });

  it('counts a peer whose address family has no socket, instead of failing', async () => {
    const a = await speaker('node-a');
    running.push(a);
    a.udp.setPeers([{ node: 'node-b', address: '::1', port: 9 }]);
    await waitFor('a heartbeat round', () => (a.udp.counters()['noSocketForFamily'] ?? 0) >= 2);
    expect(a.warnings).toHaveLength(1);
  });

  it('fails to start, leaking no socket, when a port is taken or an address is not one', async () => {
    const a = await speaker('node-a');
    running.push(a);
    const port = a.udp.bound[0].port;
    const x = { self: 'node-x', keys: KEYS };
    await expect(UdpMembership.start({ ...x, addresses: ['127.0.0.1'], port })).rejects.toThrow(/EADDRINUSE/);
    await expect(UdpMembership.start({ ...x, addresses: ['::1', 'localhost'], port: 0 })).rejects.toThrow(
      'not an IP address: localhost',
    );
    await expect(UdpMembership.start({ ...x, addresses: [] })).rejects.toThrow('at least one address');
    await expect(
      UdpMembership.start({ ...x, addresses: ['127.0.0.1'], port, timing: { deadAfterMs: 90 } }),
    ).rejects.toThrow('deadAfterMs must be >= 2 x intervalMs');
  });
});
