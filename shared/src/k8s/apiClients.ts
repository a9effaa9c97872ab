/**
 * API clients that reuse their connections. client-node 1.3 builds a fresh http(s).Agent for every request
 * (KubeConfig.applySecurityAuthentication), so each call opens a new TCP and TLS connection: a 1,000-Service burst
 * left 2,000 sockets in TIME_WAIT and connect() was the largest cost in a profile. Here the kubeconfig still applies
 * its credentials to every request (tokens may rotate), but one keep-alive agent carries them all.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  createConfiguration,
  ServerConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

/** Requests beyond this wait for a free connection instead of opening more (watches hold one each). */
const MAX_SOCKETS = 32;

export type ApiClientFactory = <T>(api: new (config: Configuration) => T) => T;

/** A factory like KubeConfig.makeApiClient whose clients share one keep-alive agent. */
export async function keepAliveClients(kc: KubeConfig): Promise<ApiClientFactory> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  // Through a proxy, client-node's own agent is the one that knows how to reach it.
  const agent = cluster.proxyUrl ? undefined : await sharedAgent(kc, cluster.server, cluster.tlsServerName);
  const auth: SecurityAuthentication = {
    getName: () => 'kubeconfig, keep-alive',
    applySecurityAuthentication: async (ctx: RequestContext) => {
      await kc.applySecurityAuthentication(ctx);
      if (agent) ctx.setAgent(agent);
    },
  };
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: auth },
  });
  return (api) => new api(config);
}

async function sharedAgent(kc: KubeConfig, server: string, servername?: string): Promise<http.Agent> {
  if (server.startsWith('http:')) return new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  // The TLS material (CA, client certificate) as the kubeconfig gives it, as client-node would use it.
  const tls: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  return new https.Agent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    rejectUnauthorized: tls.rejectUnauthorized,
    servername,
  });
}
