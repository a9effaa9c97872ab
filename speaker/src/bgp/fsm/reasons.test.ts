import { downReasonText, notificationText, openErrorText } from './reasons';
import type { DownReason, OpenError } from './types';

describe('NOTIFICATION names', () => {
  it.each([
    [{ code: 6, subcode: 2 }, 'Cease/Administrative Shutdown (6/2)'],
    [{ code: 6, subcode: 10 }, 'Cease/BFD Down (6/10)'],
    [{ code: 5, subcode: 3 }, 'Finite State Machine Error/Receive Unexpected Message in Established State (5/3)'],
    [{ code: 4, subcode: 0 }, 'Hold Timer Expired (4/0)'],
    [{ code: 2, subcode: 99 }, 'OPEN Message Error/subcode 99 (2/99)'],
    [{ code: 42, subcode: 1 }, 'code 42/subcode 1 (42/1)'],
  ])('%j is %s', (n, text) => {
    expect(notificationText(n)).toBe(text);
  });
});

describe('OPEN errors in words', () => {
  it.each<[OpenError, string]>([
    [{ code: 'badPeerAs', asn: 64514, myAsField: 64514 }, "the peer's OPEN says AS 64514 (My AS field 64514)"],
    [{ code: 'badBgpId', bgpId: 0 }, "the peer's BGP identifier 0.0.0.0 is zero"],
    [{ code: 'badBgpId', bgpId: 0xc6336401 }, "the peer's BGP identifier 198.51.100.1 is ours"],
    [{ code: 'unacceptableHoldTime', holdTimeSec: 2 }, "the peer's hold time of 2 s is below 3 s"],
    [
      { code: 'noCommonFamily', ours: ['ipv6'], theirs: ['ipv4'] },
      "no address family in common (ours: ipv6; the peer's: ipv4)",
    ],
    [
      { code: 'noCommonFamily', ours: [], theirs: ['ipv4'] },
      "no address family in common (ours: none; the peer's: ipv4)",
    ],
  ])('%j', (error, text) => {
    expect(openErrorText(error)).toBe(text);
  });
});

describe('down reasons in words', () => {
  it.each<[DownReason, string]>([
    [
      { kind: 'stopped', graceful: true, subcode: 2 },
      'stopped gracefully (TCP closed without a NOTIFICATION, for graceful restart)',
    ],
    [{ kind: 'stopped', graceful: false, subcode: 2 }, 'stopped, sent Cease/Administrative Shutdown (6/2)'],
    [
      { kind: 'stopped', graceful: false, subcode: 4, shutdownText: 'drain' },
      'stopped, sent Cease/Administrative Reset (6/4): "drain"',
    ],
    [{ kind: 'connectFailed' }, 'could not connect to the peer'],
    [{ kind: 'connectTimeout' }, 'connecting to the peer timed out'],
    [{ kind: 'tcpClosed', state: 'established' }, 'the peer closed the TCP connection in established'],
    [
      { kind: 'holdTimerExpired', state: 'openSent' },
      'nothing heard from the peer within the hold time in openSent, sent Hold Timer Expired (4/0)',
    ],
    [
      { kind: 'notificationReceived', notification: { code: 6, subcode: 2 }, shutdownText: 'maintenance' },
      'the peer sent Cease/Administrative Shutdown (6/2): "maintenance"',
    ],
    [
      { kind: 'notificationReceived', notification: { code: 6, subcode: 4 }, shutdownText: 'a\nfake line' },
      'the peer sent Cease/Administrative Reset (6/4): "a\\x0afake line"',
    ],
    [
      { kind: 'notificationReceived', notification: { code: 6, subcode: 3 } },
      'the peer sent Cease/Peer De-configured (6/3)',
    ],
    [
      { kind: 'decodeError', notification: { code: 1, subcode: 2 } },
      "could not decode the peer's message, sent Message Header Error/Bad Message Length (1/2)",
    ],
    [
      { kind: 'openRejected', error: { code: 'unacceptableHoldTime', holdTimeSec: 1 } },
      "refused the peer's OPEN: the peer's hold time of 1 s is below 3 s",
    ],
    [{ kind: 'unexpectedMessage', state: 'openSent', messageType: 'update' }, 'unexpected update message in openSent'],
    [{ kind: 'bfdDown' }, 'BFD went down, sent Cease/BFD Down (6/10)'],
    [
      { kind: 'peerRestarted' },
      'the peer reconnected while Established (it restarted; graceful restart keeps its routes)',
    ],
  ])('%j', (reason, text) => {
    expect(downReasonText(reason)).toBe(text);
  });
});
