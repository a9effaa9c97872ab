/** The iptables backend of the dataplane: a pure renderer of a DataplanePlan and the edge that restores it. */
export { IptablesCommandError, IptablesDataplane, type IptablesDataplaneOptions } from './edge';
export { CHAIN_PREFIX, FIXED_CHAINS, JUMPS, MASQ_MARK, type BuiltinJump, type IptablesTable } from './names';
export { renderIptables, renderRemoval, type RenderedIptables } from './render';
export { ownedChains, type RenderedChains } from './save';
export { iptablesBackend } from './backend';
