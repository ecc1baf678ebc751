// Public names of src/simulate/ (re-exported by src/index.ts).
export * from './simulator';
export { FindingSeverity } from './findings/severity';
