import type { CommandResult, CommandRunner } from './command';
import { decide, hostFacts } from './choose';

describe('decide', () => {
  it('an explicit choice is kept, whatever the host', () => {
    for (const kind of ['nftables', 'iptables', 'ipvs', 'none'] as const)
      expect(decide(kind, { kubeProxy: 'x', nft: false, iptables: false })).toEqual({
        kind,
        why: `--dataplane ${kind}`,
      });
  });

  it('auto: none where kube-proxy is; else nftables, else iptables, else none, each with its reason', () => {
    expect(decide('auto', { kubeProxy: 'its iptables chain KUBE-SERVICES', nft: true, iptables: true })).toEqual({
      kind: 'none',
      why: 'kube-proxy forwards LoadBalancer IPs on this node (found its iptables chain KUBE-SERVICES); --dataplane nftables overrides',
    });
    expect(decide('auto', { nft: true, iptables: true })).toEqual({
      kind: 'nftables',
      why: 'no kube-proxy rules on this node, and nft works',
    });
    expect(decide('auto', { nft: false, iptables: true })).toEqual({
      kind: 'iptables',
      why: 'no kube-proxy rules on this node; nft is missing, iptables works',
    });
    expect(decide('auto', { nft: false, iptables: false })).toEqual({
      kind: 'none',
      why: 'no kube-proxy rules on this node, but neither nft nor iptables runs: nothing forwards VIP traffic here',
    });
  });
});

describe('hostFacts', () => {
  const runner = (answers: Record<string, CommandResult>): CommandRunner => ({
    run: (argv) => Promise.resolve(answers[argv.join(' ')] ?? { code: 1, stdout: '', stderr: 'no' }),
  });
  const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });

  it('a clean host: nft and iptables run, nothing of kube-proxy', async () => {
    expect(
      await hostFacts(
        runner({
          'nft list tables': ok('table inet ironlb\ntable ip filter\n'),
          'iptables-save -t nat': ok('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'),
        }),
      ),
    ).toEqual({ nft: true, iptables: true });
  });

  it("kube-proxy's nftables table, iptables chains and IPVS link are each found and named", async () => {
    expect(
      await hostFacts(
        runner({
          'nft list tables': ok('table ip6 kube-proxy\n'),
          'iptables-save -t nat': ok('*nat\n:KUBE-SERVICES - [0:0]\n'),
          'ip -o link show kube-ipvs0': ok('5: kube-ipvs0: <BROADCAST,NOARP>'),
        }),
      ),
    ).toEqual({
      kubeProxy: "its nftables table 'kube-proxy', its iptables chain KUBE-SERVICES, its IPVS link kube-ipvs0",
      nft: true,
      iptables: true,
    });
  });

  it("kube-proxy's IPv4 table alone is found too", async () => {
    expect(await hostFacts(runner({ 'nft list tables': ok('table inet filter\ntable ip kube-proxy\n') }))).toEqual({
      kubeProxy: "its nftables table 'kube-proxy'",
      nft: true,
      iptables: false,
    });
  });

  it('a rule that merely mentions :KUBE-SERVICES (in a comment) is no kube-proxy chain', async () => {
    expect(
      await hostFacts(
        runner({
          'iptables-save -t nat': ok('*nat\n-A PREROUTING -m comment --comment "old:KUBE-SERVICES gone" -j ACCEPT\n'),
        }),
      ),
    ).toEqual({ nft: false, iptables: true });
  });

  it('a table merely named like it, or chains of another KUBE- prefix, are not kube-proxy', async () => {
    expect(
      await hostFacts(
        runner({
          'nft list tables': ok('table ip kube-proxy-old\n'),
          'iptables-save -t nat': ok(':KUBE-SERVICES-X - [0:0]\n'),
        }),
      ),
    ).toEqual({ nft: true, iptables: true });
  });

  it('nothing runs: neither works', async () => {
    expect(await hostFacts(runner({}))).toEqual({ nft: false, iptables: false });
  });
});
