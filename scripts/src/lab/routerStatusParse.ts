// Turns each daemon's own status output into one shape, so tests do not care which daemon runs.
// Pure: parsers of birdc text, vtysh JSON and gobgp JSON.

export interface BgpSession {
  /** BIRD protocol name or the neighbor's description (node1, node1_v6). */
  name: string;
  neighbor: string;
  /** Normalised BGP FSM state: Idle, Connect, Active, OpenSent, OpenConfirm, Established. */
  state: string;
  established: boolean;
  /** The daemon's own words for the state, for humans. */
  info: string;
}

export interface RouterStatus {
  daemon: 'bird' | 'frr' | 'gobgp' | 'none';
  up: boolean;
  detail: string;
  sessions: BgpSession[];
}

const FSM = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

function normalise(state: string): string {
  const found = FSM.find((s) => s.toLowerCase() === state.toLowerCase());
  return found ?? state;
}

/** `birdc show status`: the daemon is up when BIRD says so. */
export function birdIsUp(showStatus: string): boolean {
  return showStatus.includes('Daemon is up and running');
}

/**
 * `birdc show protocols all`: each BGP protocol block has `BGP state: X` and `Neighbor address: Y`.
 * The header line is `name BGP --- state since info`.
 */
export function parseBirdProtocols(text: string): BgpSession[] {
  const sessions: BgpSession[] = [];
  let current: BgpSession | undefined;
  for (const line of text.split('\n')) {
    const header = /^(\S+)\s+BGP\s+\S+\s+(\S+)\s+\S+\s*(.*)$/.exec(line);
    if (header) {
      current = {
        name: header[1],
        neighbor: '',
        state: 'Idle',
        established: false,
        info: header[3].trim() || header[2],
      };
      sessions.push(current);
      continue;
    }
    if (/^\S/.test(line)) current = undefined;
    if (!current) continue;
    const state = /^\s+BGP state:\s+(\S+)/.exec(line);
    if (state) {
      current.state = normalise(state[1]);
      current.established = current.state === 'Established';
    }
    const nb = /^\s+Neighbor address:\s+(\S+)/.exec(line);
    if (nb) current.neighbor = nb[1];
  }
  return sessions;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `vtysh -c 'show bgp neighbors json'`: an object keyed by neighbor address. */
export function parseFrrNeighbors(json: string): BgpSession[] {
  const doc: unknown = JSON.parse(json);
  if (!isRecord(doc)) throw new Error('vtysh: show bgp neighbors json is not an object');
  return Object.entries(doc)
    .filter(([, v]) => isRecord(v) && typeof v.bgpState === 'string')
    .map(([address, v]) => {
      const rec = v as Record<string, unknown>;
      const state = normalise(String(rec.bgpState));
      const desc = typeof rec.nbrDesc === 'string' ? rec.nbrDesc : address;
      return { name: desc, neighbor: address, state, established: state === 'Established', info: String(rec.bgpState) };
    });
}

/** `gobgp neighbor -j`: session_state is the FSM enum (1 idle .. 6 established). */
export function parseGobgpNeighbors(json: string): BgpSession[] {
  const doc: unknown = JSON.parse(json);
  if (!Array.isArray(doc)) throw new Error('gobgp neighbor -j is not an array');
  return doc.filter(isRecord).map((peer) => {
    const conf = isRecord(peer.conf) ? peer.conf : {};
    const st = isRecord(peer.state) ? peer.state : {};
    const address = String(conf.neighbor_address ?? st.neighbor_address ?? '');
    const n = typeof st.session_state === 'number' ? st.session_state : 0;
    const state = FSM[n - 1] ?? 'Unknown';
    const name = typeof conf.description === 'string' && conf.description !== '' ? conf.description : address;
    return { name, neighbor: address, state, established: state === 'Established', info: `session_state ${n}` };
  });
}
