// Public names of src/access/ (re-exported by src/index.ts).
export * from './source';
export * from './scope';
export * from './access-policy';
