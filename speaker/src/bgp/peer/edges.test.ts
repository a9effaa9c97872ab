import * as net from 'node:net';
import { formatIP, mustParseIP } from '@ironlb/shared';
import type { BgpListener, ListenOptions } from '../socket';
import type { Address } from '../socket';
import { startPeerEdges, type PeerEdges } from './edges';
import { FakeStream, fakeDialer, settle } from './testDoubles';
import type { BgpPeerEdge, PeerSpec } from './types';

/** A connection as the listener hands it over: a stream with the address the kernel reports. */
class Inbound extends FakeStream {
  constructor(readonly remoteAddress: string | undefined) {
    super();
  }
}

/** A listener on no port: the test emits its connections and reads the keys set on it. */
function fakeListener(opts: ListenOptions): BgpListener & { keys: [string, string | undefined][] } {
  const keys: [string, string | undefined][] = [];
  const family = String(opts.address).includes(':') ? 6 : 4;
  return {
    // Never listening: emit('connection') reaches the edges' handler alone.
    server: net.createServer(),
    port: opts.port ?? 179,
    family,
    keys,
    setPeerKey(address: Address, password: string | undefined) {
      keys.push([typeof address === 'string' ? address : formatIP(address), password]);
    },
    close: () => Promise.resolve(),
  };
}

const SPEC4: PeerSpec = {
  name: 'router4',
  localAs: 64512,
  peerAs: 64513,
  peerAddress: mustParseIP('198.51.100.2'),
  peerPort: 179,
  routerId: 0xc6336401,
  holdTimeSec: 90,
  keepaliveSec: 30,
  connectRetrySec: 5,
  ebgpMultiHop: false,
  gracefulRestart: true,
  families: ['ipv4', 'ipv6'],
};
const SPEC6: PeerSpec = { ...SPEC4, name: 'router6', peerAddress: mustParseIP('2001:db8::2') };

function harness(listenPort = 1179) {
  const listeners = new Map<4 | 6, ReturnType<typeof fakeListener>>();
  const warnings: string[] = [];
  const { dial } = fakeDialer();
  const edges: PeerEdges = startPeerEdges({
    listenPort,
    dial,
    listen: (opts) => {
      const l = fakeListener(opts);
      listeners.set(l.family, l);
      return Promise.resolve(l);
    },
    log: { info: () => undefined, warn: (_o, msg) => warnings.push(msg) },
  });
  const made: BgpPeerEdge[] = [];
  const create = (spec: PeerSpec): BgpPeerEdge => {
    const e = edges.createEdge(spec, () => undefined);
    made.push(e);
    return e;
  };
  const connect = (family: 4 | 6, remoteAddress: string | undefined): Inbound => {
    const s = new Inbound(remoteAddress);
    const l = listeners.get(family);
    if (!l) throw new Error(`no IPv${family} listener`);
    l.server.emit('connection', s);
    return s;
  };
  const close = async (): Promise<void> => {
    await Promise.all(made.map((e) => e.close(false)));
    await edges.close();
  };
  return { edges, listeners, warnings, create, connect, close };
}

/** The peer took the connection: its OPEN went out on it. */
function accepted(s: FakeStream): boolean {
  return s.take().some((m) => m.type === 'open');
}

describe('startPeerEdges: the listeners hand connections to the peer of their address', () => {
  it('an IPv4 peer: its connection on the IPv4 listener, or as an IPv4-mapped address on a dual-stack one', async () => {
    const h = harness();
    h.create(SPEC4);
    await settle();
    expect([...h.listeners.keys()].sort()).toEqual([4, 6]);
    const plain = h.connect(4, '198.51.100.2');
    expect(accepted(plain)).toBe(true);
    const mapped = h.connect(6, '::ffff:198.51.100.2');
    expect(accepted(mapped)).toBe(true);
    await h.close();
  });

  it('an IPv6 peer by its address', async () => {
    const h = harness();
    h.create(SPEC6);
    await settle();
    expect(accepted(h.connect(6, '2001:db8::2'))).toBe(true);
    await h.close();
  });

  it.each([['198.51.100.9'], ['::ffff:198.51.100.9'], ['2001:db8::9'], [undefined]])(
    'a connection from %s, which no peer names, is destroyed',
    async (address) => {
      const h = harness();
      h.create(SPEC4);
      h.create(SPEC6);
      await settle();
      const s = h.connect(String(address).includes(':') ? 6 : 4, address);
      expect(s.destroyed).toBe(true);
      expect(s.take()).toEqual([]);
      await h.close();
    },
  );

  it("a closed peer's address is unknown again", async () => {
    const h = harness();
    const e = h.create(SPEC4);
    await settle();
    await e.close(true);
    expect(h.connect(4, '198.51.100.2').destroyed).toBe(true);
    await h.close();
  });

  it("MD5: the key is set on the peer's family's listener when the edge is made and removed when it closes", async () => {
    const h = harness();
    const e = h.create({ ...SPEC4, md5Password: 'secret' });
    h.create(SPEC6);
    await settle();
    expect(h.listeners.get(4)?.keys).toEqual([['198.51.100.2', 'secret']]);
    await e.close(false);
    await settle();
    expect(h.listeners.get(4)?.keys).toEqual([
      ['198.51.100.2', 'secret'],
      ['198.51.100.2', undefined],
    ]);
    expect(h.listeners.get(6)?.keys).toEqual([]);
    await h.close();
  });

  it('listenPort 0: no listener', async () => {
    const h = harness(0);
    h.create(SPEC4);
    await settle();
    expect(h.listeners.size).toBe(0);
    await h.close();
  });

  it('a listener that fails to start is logged; sessions are still dialled', async () => {
    const { dial, dials } = fakeDialer();
    const warnings: string[] = [];
    const edges = startPeerEdges({
      listenPort: 1179,
      dial,
      listen: () => Promise.reject(new Error('EADDRINUSE')),
      log: { info: () => undefined, warn: (_o, msg) => warnings.push(msg) },
    });
    const e = edges.createEdge({ ...SPEC4, md5Password: 'secret' }, () => undefined);
    await settle();
    expect(warnings).toEqual([
      'BGP listener failed: only dialled sessions work',
      'BGP listener failed: only dialled sessions work',
    ]);
    expect(dials).toHaveLength(1);
    await e.close(false);
    await edges.close();
  });
});

describe('startPeerEdges: the graceful restart capability', () => {
  async function grOf(restartTimeSec?: number): Promise<unknown> {
    const { dial, dials } = fakeDialer();
    const edges = startPeerEdges({
      listenPort: 0,
      dial,
      ...(restartTimeSec !== undefined ? { restartTimeSec } : {}),
      log: { info: () => undefined, warn: () => undefined },
    });
    const edge = edges.createEdge(SPEC4, () => undefined);
    await settle();
    const s = dials[0].connect();
    await settle();
    const open = s.take().find((m) => m.type === 'open');
    await edge.close(false);
    await edges.close();
    return open?.type === 'open' ? open.capabilities.find((c) => c.code === 'gracefulRestart') : undefined;
  }

  it("tells the router this process restarted, with the speaker's restart time (120 s unless given)", async () => {
    expect(await grOf()).toMatchObject({ restarted: true, restartTimeSec: 120 });
    expect(await grOf(15)).toMatchObject({ restarted: true, restartTimeSec: 15 });
  });
});
