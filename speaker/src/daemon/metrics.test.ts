import { mustParseIP } from '@ironlb/shared';
import type { Announcement } from '../mode/mode';
import type { NotAnnounced } from '../mode/reasons';
import type { PeerStatus, SessionState } from '../bgp/peer/types';
import { speakerMetrics } from './metrics';

const ip = mustParseIP;
const skip = (reason: NotAnnounced) => ({ services: ['s/a'], reason });

describe('speakerMetrics', () => {
  it('counts plans and announced IPs per mode, the others by reason code, resetting codes no IP has any more', async () => {
    const m = speakerMetrics();
    const announce = new Map<string, Announcement>([
      ['198.51.100.200', { ip: ip('198.51.100.200'), services: ['s/a'] }],
    ]);
    m.planned('layer2', {
      announce,
      skip: new Map([
        ['198.51.100.201', skip({ code: 'notOwner', owner: 'node2' })],
        ['198.51.100.202', skip({ code: 'notOwner', owner: 'node3' })],
        ['198.51.100.9', skip({ code: 'notInAnyPool', ip: ip('198.51.100.9') })],
      ]),
    });
    let text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_announced_ips{mode="layer2"} 1');
    expect(text).toContain('ironlb_speaker_unannounced_ips{mode="layer2",reason="notOwner"} 2');
    expect(text).toContain('ironlb_speaker_unannounced_ips{mode="layer2",reason="notInAnyPool"} 1');
    expect(text).toContain('ironlb_speaker_unannounced_ips{mode="layer2",reason="noEligibleNode"} 0');
    m.planned('layer2', { announce: new Map(), skip: new Map() });
    text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_announced_ips{mode="layer2"} 0');
    expect(text).toContain('ironlb_speaker_unannounced_ips{mode="layer2",reason="notOwner"} 0');
    expect(text).toContain('ironlb_speaker_plans_total{mode="layer2"} 2');
  });

  it('counts layer 2 answers by family and conflicts, and per IP under MetalLB names, pruned when not announced', async () => {
    const m = speakerMetrics();
    const v4 = ip('198.51.100.200');
    const v6 = ip('2001:db8:1::200');
    m.l2Answered(v4);
    m.l2Answered(v4);
    m.l2Answered(v6);
    m.l2Requested(v4);
    m.l2Requested(v4);
    m.l2Requested(v4);
    m.l2Gratuitous(v6);
    m.l2Conflict(v4);
    let text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_l2_answers_total{family="IPv4"} 2');
    expect(text).toContain('ironlb_speaker_l2_answers_total{family="IPv6"} 1');
    expect(text).toContain('ironlb_speaker_l2_conflicts_total 1');
    for (const [name, type] of [
      ['ironlb_layer2_requests_received', 'counter'],
      ['ironlb_layer2_responses_sent', 'counter'],
      ['ironlb_layer2_gratuitous_sent', 'counter'],
      ['ironlb_layer2_conflicts_total', 'counter'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    expect(text).toContain('ironlb_layer2_requests_received{ip="198.51.100.200"} 3');
    expect(text).toContain('ironlb_layer2_responses_sent{ip="198.51.100.200"} 2');
    expect(text).toContain('ironlb_layer2_responses_sent{ip="2001:db8:1::200"} 1');
    expect(text).toContain('ironlb_layer2_gratuitous_sent{ip="2001:db8:1::200"} 1');
    expect(text).toContain('ironlb_layer2_conflicts_total{ip="198.51.100.200"} 1');
    // The IPv6 address is no longer announced here: its series go; the other mode's plans change nothing.
    m.planned('bgp', { announce: new Map(), skip: new Map() });
    expect(await m.registry.metrics()).toContain('ironlb_layer2_gratuitous_sent{ip="2001:db8:1::200"} 1');
    m.planned('layer2', { announce: new Map([['198.51.100.200', { ip: v4, services: ['s/a'] }]]), skip: new Map() });
    text = await m.registry.metrics();
    expect(text).toContain('ironlb_layer2_responses_sent{ip="198.51.100.200"} 2');
    expect(text).not.toContain('2001:db8:1::200');
  });

  it('config gauges: 0 until a parse, then loaded, stale while the newest parse had errors', async () => {
    const m = speakerMetrics();
    const gauges = async (): Promise<string[]> =>
      (await m.registry.metrics()).split('\n').filter((l) => /^ironlb_k8s_client_config_/.test(l));
    expect(await gauges()).toEqual(['ironlb_k8s_client_config_loaded_bool 0', 'ironlb_k8s_client_config_stale_bool 0']);
    m.configParsed(2);
    expect(await gauges()).toEqual(['ironlb_k8s_client_config_loaded_bool 1', 'ironlb_k8s_client_config_stale_bool 1']);
    m.configParsed(0);
    expect(await gauges()).toEqual(['ironlb_k8s_client_config_loaded_bool 1', 'ironlb_k8s_client_config_stale_bool 0']);
  });

  it('counts dropped heartbeats by reason, every reason from zero', async () => {
    const m = speakerMetrics();
    let text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_heartbeats_rejected_total{reason="badSignature"} 0');
    m.heartbeatRejected('badSignature');
    m.heartbeatRejected('badSignature');
    m.heartbeatRejected('replayed');
    text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_heartbeats_rejected_total{reason="badSignature"} 2');
    expect(text).toContain('ironlb_speaker_heartbeats_rejected_total{reason="replayed"} 1');
    expect(text).toContain('ironlb_speaker_heartbeats_rejected_total{reason="malformed"} 0');
  });

  it('BGP sessions per peer: up, state, prefixes, UPDATE counters from running totals, BFD; gone peers removed', async () => {
    const m = speakerMetrics();
    const st = (state: SessionState, sent: number, received: number, bfd?: PeerStatus['bfd']): PeerStatus => ({
      state,
      families: state === 'established' ? ['ipv4'] : [],
      prefixesAdvertised: sent * 2,
      updatesSent: sent,
      updatesReceived: received,
      ...(bfd ? { bfd } : {}),
    });
    m.bgpSessions(
      new Map([
        ['tor', st('established', 3, 1, 'up')],
        ['edge', st('active', 0, 0)],
      ]),
    );
    let text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_bgp_session_up{peer="tor"} 1');
    expect(text).toContain('ironlb_speaker_bgp_session_up{peer="edge"} 0');
    expect(text).toContain('ironlb_speaker_bgp_session_state{peer="edge",state="active"} 1');
    expect(text).toContain('ironlb_speaker_bgp_session_state{peer="edge",state="established"} 0');
    expect(text).toContain('ironlb_speaker_bgp_announced_prefixes{peer="tor"} 6');
    // MetalLB's names beside, from the same values.
    expect(text).toContain('# TYPE ironlb_bgp_session_up gauge\n');
    expect(text).toContain('# TYPE ironlb_bgp_announced_prefixes_total gauge\n');
    expect(text).toContain('ironlb_bgp_session_up{peer="tor"} 1');
    expect(text).toContain('ironlb_bgp_session_up{peer="edge"} 0');
    expect(text).toContain('ironlb_bgp_announced_prefixes_total{peer="tor"} 6');
    expect(text).toContain('ironlb_bgp_announced_prefixes_total{peer="edge"} 0');
    expect(text).toContain('ironlb_speaker_bgp_updates_sent_total{peer="tor"} 3');
    expect(text).toContain('ironlb_speaker_bgp_updates_received_total{peer="tor"} 1');
    expect(text).toContain('ironlb_speaker_bfd_session_up{peer="tor"} 1');
    expect(text).not.toContain('ironlb_speaker_bfd_session_up{peer="edge"}');
    m.bgpSessions(new Map([['tor', st('established', 5, 1, 'down')]]));
    text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_bgp_updates_sent_total{peer="tor"} 5');
    expect(text).toContain('ironlb_speaker_bfd_session_up{peer="tor"} 0');
    expect(text).not.toContain('peer="edge"');
    // A replaced edge counts from 0 again: its totals are added, not subtracted.
    m.bgpSessions(new Map([['tor', st('connect', 2, 0)]]));
    text = await m.registry.metrics();
    expect(text).toContain('ironlb_speaker_bgp_updates_sent_total{peer="tor"} 7');
    expect(text).toContain('ironlb_speaker_bgp_session_up{peer="tor"} 0');
    expect(text).toContain('ironlb_bgp_session_up{peer="tor"} 0');
    expect(text).toContain('ironlb_bgp_announced_prefixes_total{peer="tor"} 4');
    expect(text).not.toContain('ironlb_speaker_bfd_session_up{peer="tor"}');
  });
});
