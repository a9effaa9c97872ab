import { mustParseIP } from '@ironlb/shared';
import {
  EXCLUDE_LABEL,
  NOT_ANNOUNCED_CODES,
  nodeIneligibilityText,
  notAnnouncedText,
  type NodeIneligibility,
  type NotAnnounced,
} from './reasons';

const ip = mustParseIP;

describe('reasons in words: one wording per code, the log lines users read', () => {
  it.each<[NodeIneligibility, string]>([
    [{ code: 'noLiveSpeaker' }, 'no live speaker'],
    [{ code: 'cordoned' }, 'cordoned'],
    [{ code: 'excludedByLabel' }, `labelled ${EXCLUDE_LABEL}`],
    [{ code: 'noLocalEndpoint', service: 'game/tcp' }, 'no ready endpoint of game/tcp'],
    [{ code: 'nodeNotSelected', advertisementKind: 'L2Advertisement' }, 'matches no L2Advertisement nodeSelectors'],
    [{ code: 'nodeNotSelected', advertisementKind: 'BGPAdvertisement' }, 'matches no BGPAdvertisement nodeSelectors'],
  ])('node %j', (why, text) => {
    expect(nodeIneligibilityText(why)).toBe(text);
  });

  it.each<[NotAnnounced, string]>([
    [{ code: 'notInAnyPool', ip: ip('198.51.100.9') }, '198.51.100.9 is in no IPAddressPool'],
    [{ code: 'notInAnyPool', ip: ip('2001:db8:0:0::9') }, '2001:db8::9 is in no IPAddressPool'],
    [
      { code: 'noAdvertisement', advertisementKind: 'L2Advertisement', pool: 'lab' },
      'no L2Advertisement covers pool "lab"',
    ],
    [{ code: 'noEligibleNode', nodes: [] }, 'no eligible node (no nodes)'],
    [
      {
        code: 'noEligibleNode',
        nodes: [
          { node: 'node1', why: { code: 'cordoned' } },
          { node: 'node2', why: { code: 'noLiveSpeaker' } },
        ],
      },
      'no eligible node (node1: cordoned; node2: no live speaker)',
    ],
    [{ code: 'notOwner', owner: 'node3' }, 'announced by node3'],
    [
      { code: 'groupSplit', owner: 'node2', ips: [ip('2001:db8:1:0::200'), ip('203.0.113.130')] },
      'announced by node2; no node may announce all of 2001:db8:1::200, 203.0.113.130 (IPs of Services linked by ' +
        'sharing them), so each is placed alone',
    ],
    [
      { code: 'nodeIneligible', why: { code: 'excludedByLabel' } },
      `this node may not advertise it: labelled ${EXCLUDE_LABEL}`,
    ],
    [
      { code: 'nodeIneligible', why: { code: 'nodeNotSelected', advertisementKind: 'BGPAdvertisement' } },
      'this node may not advertise it: matches no BGPAdvertisement nodeSelectors',
    ],
    [{ code: 'noPeer' }, 'no BGPPeer selects this node'],
    [
      { code: 'noAdvertisedPeer', advertisements: ['edge', 'core'] },
      "the BGPAdvertisements covering it (edge, core) name none of this node's BGPPeers",
    ],
    [
      { code: 'familyNotCarried', family: 'IPv6', peers: ['tor1', 'tor2'] },
      'no BGPPeer of this node carries IPv6 (tor1, tor2: disableMP)',
    ],
    [
      { code: 'noNextHop', family: 'IPv6', peers: ['tor1'] },
      'this node has no IPv6 address to give tor1 as the next hop',
    ],
  ])('IP %j', (reason, text) => {
    expect(notAnnouncedText(reason)).toBe(text);
  });

  it('lists every code once, for the metric labels', () => {
    expect([...NOT_ANNOUNCED_CODES].sort()).toEqual([
      'familyNotCarried',
      'groupSplit',
      'noAdvertisedPeer',
      'noAdvertisement',
      'noEligibleNode',
      'noNextHop',
      'noPeer',
      'nodeIneligible',
      'notInAnyPool',
      'notOwner',
    ]);
  });
});
