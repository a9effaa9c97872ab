export * from './ipam';
export type * from './config/types';
