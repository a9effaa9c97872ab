export * from './ipam';
export * from './service/request';
export * from './service/outcome';
export * from './service/reasonText';
export * from './service/condition';
