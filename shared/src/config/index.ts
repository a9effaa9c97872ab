/**
 * `@ironlb/shared/config`: every ironlb.io object parsed into one validated, immutable Config, and the questions
 * both daemons ask of it. The controller and the speaker read the same YAML through this one parser.
 */
export type * from './types';
export { parseConfig, formatConfigError, type ConfigObjects, type ParseResult } from './parse';
export { parseSelector } from './parse-selector';
export { matchesSelector } from './selector';
export { coversNode, coversPeer, coversPool, poolOf, type Advertisement } from './lookup';
export { formatCommunity } from './community-value';
export { isRecord, jsonType, type RawObject } from './raw';
