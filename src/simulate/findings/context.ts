/**
 * What a finding rule reads: the model, the pipeline options, and the who-may-call outcomes of every
 * probe on every method of every stage (computed once, on first use, and shared with `explain`).
 */
import { ApiModel, MethodModel, TemplateModel } from '../model';
import { PipelineOptions } from '../pipeline';
import { Probe, probeOne, probesFor } from './probes';

/** The outcome of every probe on one method of one stage. */
export interface MethodOutcomes {
  readonly method: MethodModel;
  /** probe label → status (see `probeOne`) */
  readonly cells: Record<string, number>;
}

/** The model and its probe outcomes, memoised. */
export class FindingContext {
  private readonly probeCache = new Map<string, Probe[]>();
  private readonly outcomeCache = new Map<string, MethodOutcomes[]>();

  constructor(
    public readonly model: TemplateModel,
    public readonly options: PipelineOptions,
  ) {}

  /** The callers tried against the API's methods. */
  public probes(api: ApiModel): Probe[] {
    let probes = this.probeCache.get(api.logicalId);
    if (!probes) {
      probes = probesFor(this.model, api);
      this.probeCache.set(api.logicalId, probes);
    }
    return probes;
  }

  /** Every probe's status on every method of one stage, in the API's method order. */
  public outcomes(api: ApiModel, stage: string): MethodOutcomes[] {
    const key = `${api.logicalId}\u0000${stage}`;
    let rows = this.outcomeCache.get(key);
    if (!rows) {
      const probes = this.probes(api);
      rows = api.methods.map((method) => {
        const cells: Record<string, number> = {};
        for (const p of probes) cells[p.label] = probeOne(this.model, api, stage, method, p, this.options);
        return { method, cells };
      });
      this.outcomeCache.set(key, rows);
    }
    return rows;
  }
}

/** `GET /pets` */
export function methodName(m: MethodModel): string {
  return `${m.httpMethod} ${m.path}`;
}
