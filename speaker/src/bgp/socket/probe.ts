/**
 * A test fixture, run by socket.e2e.test.ts inside a network namespace (`ip netns exec NS node probe.js JSON`):
 * connectBgp or listenBgp with the options in argv[2], reporting on stdout one line per event:
 *   connected <local> <remote> | listening <port> | accepted <remote> | data <hex> | closed | error <code> <message>
 * It writes `send` (hex) on each connection. On stdin it takes `key <address> <password>` and `unkey <address>`
 * (listen mode: setPeerKey) and answers `key ok` or `error ...`. It runs until its socket closes (connect mode)
 * or it is signalled.
 */
import * as readline from 'node:readline';
import type * as net from 'node:net';
import { connectBgp } from './connect';
import { listenBgp, type BgpListener } from './listen';
import type { ConnectOptions, ListenOptions } from './options';

type Command =
  | { mode: 'connect'; options: ConnectOptions; send?: string }
  | { mode: 'listen'; options: ListenOptions; send?: string };

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const errorLine = (e: unknown): string => {
  const code = (e as { code?: unknown }).code;
  return `error ${typeof code === 'string' ? code : 'EUNKNOWN'} ${e instanceof Error ? e.message : String(e)}`;
};

function serve(s: net.Socket, send: string | undefined): void {
  s.on('data', (d: Buffer) => say(`data ${d.toString('hex')}`));
  s.on('error', (e) => say(errorLine(e)));
  if (send) s.write(Buffer.from(send, 'hex'));
}

function parseCommand(text: string | undefined): Command {
  const c = JSON.parse(text ?? '') as Partial<Command>;
  if ((c.mode !== 'connect' && c.mode !== 'listen') || typeof c.options !== 'object')
    throw new Error('usage: probe.js \'{"mode":"connect"|"listen","options":{...},"send":"<hex>"}\'');
  return c as Command;
}

function keyCommands(l: BgpListener): void {
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [verb, address, password] = line.trim().split(/\s+/);
    try {
      if (verb === 'key') l.setPeerKey(address, password);
      else if (verb === 'unkey') l.setPeerKey(address, undefined);
      else throw new Error(`unknown command ${verb}`);
      say('key ok');
    } catch (e) {
      say(errorLine(e));
    }
  });
}

async function main(): Promise<void> {
  const c = parseCommand(process.argv[2]);
  if (c.mode === 'connect') {
    const s = await connectBgp(c.options);
    say(`connected ${s.localAddress} ${s.remoteAddress}`);
    s.on('close', () => {
      say('closed');
      process.exit(0);
    });
    serve(s, c.send);
    return;
  }
  const l = await listenBgp(c.options);
  say(`listening ${l.port}`);
  l.server.on('connection', (s: net.Socket) => {
    say(`accepted ${s.remoteAddress}`);
    s.on('close', () => say('closed'));
    serve(s, c.send);
  });
  keyCommands(l);
  process.on('SIGTERM', () => void l.close().then(() => process.exit(0)));
}

main().catch((e: unknown) => {
  say(errorLine(e));
  process.exit(1);
});
