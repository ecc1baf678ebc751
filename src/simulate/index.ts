// Public names of src/simulate/ (re-exported by src/index.ts).
export {
  RequestSimulator,
  RequestSimulatorOptions,
  SimulatedRequest,
  SimulationResult,
  SimulationSummary,
  SimulatorFinding,
  CallerIdentity,
} from './simulator';
