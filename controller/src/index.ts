export * from './ipam';
export type * from './config/types';
export * from './service/request';
export * from './service/outcome';
export { parseConfig, formatConfigError } from './config/parse';
export { parseSelector } from './config/parse-selector';
export { matchesSelector } from './config/selector';
