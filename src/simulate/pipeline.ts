/**
 * The old home of the decision pipeline, kept so that existing imports keep working: the steps are in
 * decide/ (one file per step) and the request types in request.ts.
 */
export {
  decide,
  PipelineState,
  quotaWindow,
  accountThrottleOf as accountThrottle,
  findMethod,
  selectApi,
  selectStage,
  executeApiArn,
} from './decide';
export { SimulationInputError } from './request';
export type { Decision, PipelineCaller, PipelineOptions, PipelineRequest } from './request';
