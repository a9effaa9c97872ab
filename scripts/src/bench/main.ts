import { benchBgpInterop } from './bgpInterop';
import { benchBgpBurst } from './bgpBurst';
import { benchBgpScale } from './bgpScale';
import { benchBgpFailover } from './bgpFailover';
import { benchController } from './controller';
import { benchDataplanePath } from './dataplanePath';
import { benchDataplaneSync } from './dataplaneSync';
import { benchKube } from './kube';
import { benchL2Failover } from './l2Failover';
import { benchL2Flood } from './l2Flood';
import { benchSpeakerMemory } from './speakerMemory';

/** `npm run bench -- <name> [args]`: each benchmark prints figures measured side by side in one run. */
const benches: Record<string, (args: string[]) => Promise<void>> = {
  kube: benchKube,
  'bgp-scale': benchBgpScale,
  'bgp-burst': benchBgpBurst,
  controller: benchController,
  'bgp-failover': benchBgpFailover,
  'l2-failover': benchL2Failover,
  'l2-flood': benchL2Flood,
  'speaker-memory': benchSpeakerMemory,
  'bgp-interop': benchBgpInterop,
  'dataplane-sync': benchDataplaneSync,
  'dataplane-path': benchDataplanePath,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const chosen = name ? [name] : Object.keys(benches);
  for (const n of chosen) {
    const bench = benches[n];
    if (!bench) throw new Error(`unknown benchmark "${n}"; choose one of: ${Object.keys(benches).join(', ')}`);
    await bench(args);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
