/**
 * The Secret that holds the speakers' heartbeat key, which both daemons know by name: ironlb-controller creates it
 * (in its namespace, with a random 256-bit key) when it is absent, as MetalLB's controller does for its memberlist
 * key; every speaker reads it and follows changes to it, so a rotation needs no restart.
 *
 * Data keys:
 * - `key`: the key every speaker signs its heartbeats with (HMAC-SHA256), at least 32 bytes; also accepted.
 * - `acceptKey` (optional): one more key heartbeats are accepted with, never signed with. A rotation is three
 *   edits, each waiting until every speaker has seen the last (they log the key fingerprints they use):
 *   (1) add the new key as `acceptKey`; (2) swap: the new one as `key`, the old one as `acceptKey`; (3) remove
 *   `acceptKey`. At no point does one speaker sign with a key another does not accept.
 */
export const HEARTBEAT_SECRET = 'ironlb-heartbeat-key';
export const HEARTBEAT_KEY = 'key';
export const HEARTBEAT_ACCEPT_KEY = 'acceptKey';
/** 256 bits: what the controller generates, and the least a speaker accepts. */
export const HEARTBEAT_KEY_BYTES = 32;
