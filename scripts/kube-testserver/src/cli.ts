/**
 * ironlb-kube: a fake Kubernetes API server for ironlb's tests and demo.
 * `ironlb-kube serve --port <p> [--address <ip>] [--socket <path>] [--kubeconfig-out <file>] [--data <file>] [--tls]
 *   [--dual-stack]`
 * prints `ready` once it serves, and flushes --data on SIGTERM/SIGINT.
 */
import { Command } from 'commander';
import { startKubeServer } from './server/index';

const program = new Command();
program.name('ironlb-kube').description('A Kubernetes API server (1.35 semantics) for the ironlb lab');

program
  .command('serve')
  .description('serve the Kubernetes API')
  .option('--port <port>', 'TCP port (0 picks a free one)', '0')
  .option('--address <ip>', 'listen address', '127.0.0.1')
  .option('--socket <path>', 'also listen on this Unix socket')
  .option('--kubeconfig-out <file>', 'write a kubeconfig for this server')
  .option('--data <file>', 'persist state in this file')
  .option('--tls', 'serve HTTPS with a self-signed certificate')
  .option('--dual-stack', 'service CIDRs of both families: 10.96.0.0/12 and 2001:db8:fff::/108')
  .action(
    async (o: {
      port: string;
      address: string;
      socket?: string;
      kubeconfigOut?: string;
      data?: string;
      tls?: boolean;
      dualStack?: boolean;
    }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${o.port}`);
      const server = await startKubeServer({
        port,
        address: o.address,
        socketPath: o.socket,
        kubeconfigOut: o.kubeconfigOut,
        dataFile: o.data,
        tls: o.tls ?? false,
        strategyOptions: { dualStack: o.dualStack ?? false },
      });
      process.stderr.write(`ironlb-kube serving ${server.url}${o.socket ? ` and ${o.socket}` : ''}\n`);
      process.stdout.write('ready\n');
      const shutdown = (): void => {
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`ironlb-kube: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`ironlb-kube: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
