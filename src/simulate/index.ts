// Public names of src/simulate/ (re-exported by src/index.ts).
export * from './simulator';
export {
  AuthorizerDecision,
  CallerIdentity,
  DecidedBy,
  IdentityPolicy,
  SimulatedRequest,
  SimulationInputError,
  SimulationResult,
  SimulationSummary,
} from './request';
