export * from './ipam';
export type * from './config/types';
export * from './service/request';
export * from './service/outcome';
