/** BGP's TCP transport: connections and listeners with TCP-MD5 keys, TTL, GTSM and a bound device. */
export { connectBgp, type ConnectOptions } from './connect';
export { listenBgp, type BgpListener, type ListenOptions } from './listen';
export { BGP_PORT, BgpSocketOptionError, MD5_MAX_KEY_BYTES, type Address } from './options';
export { TCP_ADDON_PATH } from './native';
