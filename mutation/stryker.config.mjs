// `npm run mutate` (outside CI: it takes about 15 minutes on 2 cores). `npm run mutate -- --mutate <glob>` narrows it.
// Survivors that no test can kill are listed with their reasons in ./equivalents.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'mutation/jest.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'controller/src/ipam/**/*.ts',
    'speaker/src/l2/codec/**/*.ts',
    'speaker/src/membership/**/*.ts',
    // udp.ts is the socket edge, tested with real sockets: its mutants would make timing-dependent runs.
    '!speaker/src/membership/udp.ts',
    'speaker/src/l2/plan.ts',
    // The dataplane's pure core (issue 12); its edges (edge.ts, command.ts, genlClient.ts, probe.ts, vipLink.ts)
    // run processes or sockets and are tested for real in the lab.
    'speaker/src/dataplane/plan.ts',
    'speaker/src/dataplane/feed.ts',
    'speaker/src/dataplane/input.ts',
    'speaker/src/dataplane/conntrack.ts',
    'speaker/src/dataplane/choose.ts',
    'speaker/src/dataplane/sync.ts',
    'speaker/src/dataplane/nftables/objects.ts',
    'speaker/src/dataplane/nftables/render.ts',
    'speaker/src/dataplane/nftables/probe.ts',
    'speaker/src/dataplane/iptables/render.ts',
    'speaker/src/dataplane/iptables/names.ts',
    'speaker/src/dataplane/iptables/save.ts',
    'speaker/src/dataplane/ipvs/model.ts',
    'speaker/src/dataplane/ipvs/diff.ts',
    'speaker/src/dataplane/ipvs/messages.ts',
    'speaker/src/dataplane/ipvs/netlink.ts',
    // The validating webhook's decisions and certificate life (objects.ts lists from the API server: an edge).
    'controller/src/webhook/validate.ts',
    'controller/src/webhook/review.ts',
    'controller/src/webhook/certRules.ts',
    'controller/src/webhook/certs.ts',
    'controller/src/webhook/cert.ts',
    // The lab kubelet's pure modules; kubelet.ts and sandbox.ts run processes and namespaces, tested in the lab.
    'scripts/src/lab/kubelet/objects.ts',
    'scripts/src/lab/kubelet/schedule.ts',
    'scripts/src/lab/kubelet/container.ts',
    'scripts/src/lab/kubelet/status.ts',
    'scripts/src/lab/kubelet/image.ts',
    'scripts/src/lab/kubelet/capabilities.ts',
    // The Service condition the controller writes, and ironlb-kube's RBAC authorizer.
    'controller/src/service/condition.ts',
    'scripts/kube-testserver/src/authz/rbac.ts',
    '!**/*.test.ts',
    '!**/testFixtures.ts',
    '!**/index.ts',
    '!speaker/src/l2/codec/vectors.ts',
  ],
  ignorePatterns: ['dist', 'coverage', '.lab', '.tools', 'speaker/build', 'mutation/reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'mutation/reports/index.html' },
  jsonReporter: { fileName: 'mutation/reports/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
};
