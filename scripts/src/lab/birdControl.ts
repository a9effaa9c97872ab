/**
 * BIRD's control socket spoken directly, for benchmarks that poll the router every few milliseconds: one
 * connection, one command at a time, no birdc process per question (a spawn costs more than BIRD's answer).
 *
 * BIRD's replies are lines "dddd-text" (more follows), " text" (continues the previous code) and "dddd text" (the
 * last line); the welcome line arrives on connect. The framing and the few facts the benchmarks read are pure.
 */
import * as net from 'node:net';

/** The reply's text without the codes, once `buffer` holds a whole reply; undefined while it does not. */
export function birdReply(buffer: string): { text: string; rest: string; ok: boolean } | undefined {
  let at = 0;
  const lines: string[] = [];
  for (;;) {
    const nl = buffer.indexOf('\n', at);
    if (nl < 0) return undefined;
    const line = buffer.slice(at, nl);
    at = nl + 1;
    const coded = /^(\d{4})([ -])(.*)$/.exec(line);
    if (coded) {
      lines.push(coded[3]);
      // 8xxx and 9xxx are errors (BIRD's doc/prog "CLI reply codes").
      if (coded[2] === ' ') return { text: lines.join('\n'), rest: buffer.slice(at), ok: !/^[89]/.test(coded[1]) };
    } else {
      lines.push(line.startsWith(' ') ? line.slice(1) : line);
    }
  }
}

/** What `show protocols all <name>` says of one BGP session: its state and the routes its channels imported. */
export interface BirdSessionCount {
  readonly established: boolean;
  readonly imported: number;
}

export function parseSessionCount(text: string): BirdSessionCount {
  const established = /^\s*BGP state:\s+Established\s*$/m.test(text);
  let imported = 0;
  for (const m of text.matchAll(/^\s*Routes:\s+(\d+) imported/gm)) imported += Number(m[1]);
  return { established, imported };
}

export class BirdControl {
  private buffer = '';
  private waiting: ((r: { text: string; ok: boolean }) => void) | undefined;
  private failed: Error | undefined;
  /** The last query sent: the socket carries one command at a time. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.drain();
    });
    socket.on('error', (e) => (this.failed = e));
    socket.on('close', () => (this.failed ??= new Error('BIRD closed its control socket')));
  }

  /** Connects and reads the welcome line. */
  static async connect(path: string): Promise<BirdControl> {
    const socket = net.createConnection(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new BirdControl(socket);
    await c.next();
    return c;
  }

  /** One command's reply text; throws on a BIRD error reply. Concurrent calls are answered in turn. */
  query(command: string): Promise<string> {
    const run = async (): Promise<string> => {
      if (this.failed) throw this.failed;
      this.socket.write(`${command}\n`);
      const r = await this.next();
      if (!r.ok) throw new Error(`BIRD: ${command}: ${r.text}`);
      return r.text;
    };
    const result = this.queue.then(run, run);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async session(protocol: string): Promise<BirdSessionCount> {
    return parseSessionCount(await this.query(`show protocols all ${protocol}`));
  }

  close(): void {
    this.socket.destroy();
  }

  private next(): Promise<{ text: string; ok: boolean }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('BIRD did not answer in 10 s')), 10_000);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.drain();
    });
  }

  private drain(): void {
    if (!this.waiting) return;
    const r = birdReply(this.buffer);
    if (!r) return;
    this.buffer = r.rest;
    const w = this.waiting;
    this.waiting = undefined;
    w({ text: r.text, ok: r.ok });
  }
}
