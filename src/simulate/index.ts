// Public names of src/simulate/ (re-exported by src/index.ts).
export * from './simulator';
export { FindingSeverity } from './findings/severity';
export { AuthorizerDecision, DecidedBy, IdentityPolicy, SimulationInputError } from './request';
export type {
  CallerIdentity,
  SimulatedLedgerLine,
  SimulatedRequest,
  SimulationResult,
  SimulationSummary,
} from './request';
