// Public names of src/usage/ (re-exported by src/index.ts).
export * from './tier';
export * from './usage-tiers';
export * from './meter';
export * from './key-issuer';
