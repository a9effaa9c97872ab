export * from './fieldpath';
export * from './typeinfo';
export * from './typed';
export * from './merge';
export * from './jsonpatch';
export * from './strategic';
export * from './managedfields';
export * from './ssa';
