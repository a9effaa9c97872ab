import { mustParseIP } from '@ironlb/shared';
import { BFD_ERROR_REPEAT_MS, bfdErrorLog, profileOf } from './bfdWatch';
import type { PeerSpec } from './types';

const spec = (bfd?: PeerSpec['bfd']): PeerSpec => ({
  name: 'router',
  localAs: 64513,
  peerAs: 64512,
  peerAddress: mustParseIP('198.51.100.1'),
  peerPort: 179,
  routerId: 1,
  holdTimeSec: 90,
  keepaliveSec: 30,
  connectRetrySec: 5,
  ebgpMultiHop: false,
  gracefulRestart: true,
  families: ['ipv4', 'ipv6'],
  ...(bfd ? { bfd } : {}),
});

describe('BFD for a peer edge', () => {
  it('takes the timers from the spec and never asks for echo', () => {
    const p = profileOf(
      spec({
        receiveIntervalMs: 100,
        transmitIntervalMs: 200,
        detectMultiplier: 4,
        passiveMode: true,
        minimumTtl: 250,
      }),
    );
    expect(p).toEqual({
      name: 'router',
      receiveIntervalMs: 100,
      transmitIntervalMs: 200,
      detectMultiplier: 4,
      echoIntervalMs: 50,
      echoMode: false,
      passiveMode: true,
      minimumTtl: 250,
    });
    expect(profileOf(spec())).toBeUndefined();
  });

  it('logs an error text once a minute, however often it repeats, and other texts at once', () => {
    const lines: string[] = [];
    let now = 0;
    const onError = bfdErrorLog({ warn: (o) => lines.push((o as { error: string }).error) }, () => now);
    for (let i = 0; i < 10; i++) onError('send ENETUNREACH 198.51.100.1:3784');
    onError('send ENETUNREACH 2001:db8:1::1:3784');
    expect(lines).toEqual(['send ENETUNREACH 198.51.100.1:3784', 'send ENETUNREACH 2001:db8:1::1:3784']);
    now = BFD_ERROR_REPEAT_MS - 1;
    onError('send ENETUNREACH 198.51.100.1:3784');
    expect(lines).toHaveLength(2);
    now = BFD_ERROR_REPEAT_MS;
    onError('send ENETUNREACH 198.51.100.1:3784');
    expect(lines).toHaveLength(3);
  });

  it('forgets old texts rather than growing without bound', () => {
    const lines: string[] = [];
    const onError = bfdErrorLog({ warn: (o) => lines.push((o as { error: string }).error) }, () => 0);
    for (let i = 0; i < 100; i++) onError(`error ${i}`);
    onError('error 0');
    expect(lines).toHaveLength(100);
    onError('error 100');
    onError('error 0');
    expect(lines).toHaveLength(102);
  });
});
