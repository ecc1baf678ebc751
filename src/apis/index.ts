// Public names of src/apis/ (re-exported by src/index.ts).
export * from './private-api';
export * from './cross-account-api';
export * from './tiered-api';
export * from './secure-rest-api-props';
export * from './private-domain';
