// Public names of src/usage/meter/ (re-exported by src/usage/index.ts).
export * from './ledger';
export * from './usage-meter';
