/**
 * BFD for the peer edge: one BFD session per BGP session with a bfdProfile, in the one BfdSessions worker the
 * speaker starts on first use. Up then Down tears the BGP session down at once (RFC 5882 section 4.2: the
 * router, seeing BFD Down on its side too, drops our routes without waiting for the hold timer or graceful restart).
 */
import { formatIP } from '@ironlb/shared';
import type { BFDProfile } from '@ironlb/shared/config';
import { BfdSessions, type BfdSessionHandle } from '../bfd/sessions';
import type { BfdStarter, BfdWatch } from './edge';
import type { PeerSpec } from './types';

type Log = { warn(o: object, msg: string): void };

/** The profile BfdSessions takes, from the timers a PeerSpec carries (echo is never asked for: not implemented). */
export function profileOf(spec: PeerSpec): BFDProfile | undefined {
  const b = spec.bfd;
  if (!b) return undefined;
  return {
    name: spec.name,
    receiveIntervalMs: b.receiveIntervalMs,
    transmitIntervalMs: b.transmitIntervalMs,
    detectMultiplier: b.detectMultiplier,
    echoIntervalMs: 50,
    echoMode: false,
    passiveMode: b.passiveMode,
    minimumTtl: b.minimumTtl,
  };
}

/** A BFD error repeats with every packet while a link is down (10 a second at 100 ms): each text once a minute. */
export const BFD_ERROR_REPEAT_MS = 60_000;

/** Logs each BFD error text at most once per BFD_ERROR_REPEAT_MS. */
export function bfdErrorLog(log: Log, now: () => number = Date.now): (message: string) => void {
  const lastLogged = new Map<string, number>();
  return (message) => {
    const t = now();
    const last = lastLogged.get(message);
    if (last !== undefined && t - last < BFD_ERROR_REPEAT_MS) return;
    // Texts name peers and errnos: a handful; a flood of distinct ones must not grow the map without bound.
    if (lastLogged.size >= 100) lastLogged.clear();
    lastLogged.set(message, t);
    log.warn({ error: message }, 'BFD (this text again within a minute is not logged)');
  };
}

export function bfdStarter(log: Log): BfdStarter & { close(): Promise<void> } {
  let sessions: BfdSessions | undefined;
  const onError = bfdErrorLog(log);
  const shared = (): BfdSessions => (sessions ??= BfdSessions.start({ onError }));
  const start = (spec: PeerSpec, onDown: () => void, onChange: () => void): BfdWatch => {
    let state: ReturnType<BfdWatch['state']> = 'down';
    let handle: BfdSessionHandle | undefined;
    let closed = false;
    const profile = profileOf(spec);
    if (profile)
      shared()
        .add({
          peerAddress: formatIP(spec.peerAddress),
          ...(spec.sourceAddress ? { localAddress: formatIP(spec.sourceAddress) } : {}),
          profile,
          multihop: spec.ebgpMultiHop,
        })
        .then(
          (h) => {
            if (closed) {
              void h.remove();
              return;
            }
            handle = h;
            state = h.state;
            h.onStateChange((change) => {
              state = change.to;
              if (change.from === 'up' && change.to !== 'up') onDown();
              onChange();
            });
            onChange();
          },
          (err: unknown) =>
            log.warn(
              { peer: spec.name, error: err instanceof Error ? err.message : String(err) },
              'BFD session could not start: the BGP session runs without it',
            ),
        );
    return {
      state: () => state,
      close: () => {
        closed = true;
        void handle?.remove();
      },
    };
  };
  return Object.assign(start, {
    close: async () => {
      await sessions?.close();
      sessions = undefined;
    },
  });
}
