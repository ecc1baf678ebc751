/**
 * The benchmark harness. A scenario measures one metric for "this library" (ours) and for the hand-written
 * aws-cdk-lib equivalent (baseline), alternating the two over several rounds in one process, and reports
 * the median ratio ours / baseline.
 *
 * Scenarios live in bench/scenarios/*.ts and export `scenarios: Scenario[]`.
 */
import * as os from 'os';
import { App, Stack } from 'aws-cdk-lib';

/** What a measured side returns: a number in the scenario's unit. */
export type Measure = () => number | Promise<number>;

export interface Scenario {
  /** e.g. `access: 200 sources` */
  readonly name: string;
  /** e.g. `synth wall time (ms)`, `peak heap (MB)`, `template bytes`, `sources under 8192 chars` */
  readonly metric: string;
  /** Goal on the ratio ours / baseline, e.g. `<= 1.05` or `>= 8`. */
  readonly goal: string;
  readonly ours: Measure;
  readonly baseline: Measure;
  /** Rounds (alternating ours / baseline). Deterministic metrics (bytes, capacity) need 1. Default 5. */
  readonly rounds?: number;
  /** Warm-up runs of each side before measuring. Default 1 when rounds > 1. */
  readonly warmup?: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly metric: string;
  readonly ours: number;
  readonly baseline: number;
  readonly ratio: number;
  readonly goal: string;
  readonly met: boolean;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks a ratio against a goal such as `<= 1.05`, `>= 8`, `< 1`. */
export function meetsGoal(ratio: number, goal: string): boolean {
  const m = /^\s*(<=|>=|<|>|==)\s*([0-9.eE+-]+)\s*$/.exec(goal);
  if (!m) return false;
  const g = Number(m[2]);
  switch (m[1]) {
    case '<=':
      return ratio <= g;
    case '>=':
      return ratio >= g;
    case '<':
      return ratio < g;
    case '>':
      return ratio > g;
    default:
      return ratio === g;
  }
}

export async function runScenario(s: Scenario): Promise<ScenarioResult> {
  const rounds = s.rounds ?? 5;
  const warmup = s.warmup ?? (rounds > 1 ? 1 : 0);
  for (let i = 0; i < warmup; i++) {
    await s.ours();
    await s.baseline();
  }
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first so drift (GC, JIT, thermal) does not favour one.
    if (i % 2 === 0) {
      ours.push(await s.ours());
      base.push(await s.baseline());
    } else {
      base.push(await s.baseline());
      ours.push(await s.ours());
    }
  }
  const o = median(ours);
  const b = median(base);
  const ratio = b === 0 ? (o === 0 ? 1 : Infinity) : o / b;
  return { name: s.name, metric: s.metric, ours: o, baseline: b, ratio, goal: s.goal, met: meetsGoal(ratio, s.goal) };
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers for CDK scenarios
// ---------------------------------------------------------------------------------------------

/** Builds a stack with `build` in a fresh App and synthesizes it; returns the template. */
export function synthTemplate(build: (stack: Stack) => void): any {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  return app.synth().getStackByName(stack.stackName).template;
}

/** Wall time in ms of building and synthesizing a stack. */
export function synthTimeMs(build: (stack: Stack) => void): number {
  const t0 = process.hrtime.bigint();
  synthTemplate(build);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Heap growth in MB while building and synthesizing a stack, sampled at the end with the app still live.
 * By default sampled without a collection (the peak the synthesized tree needs, but noisy: it also holds
 * garbage the collector has not reached yet); with `afterGc` a full collection runs first, which leaves
 * what the tree really keeps. Needs `--expose-gc` for a stable baseline (`npm run bench` sets it).
 */
export function synthHeapMb(build: (stack: Stack) => void, options: { afterGc?: boolean } = {}): number {
  const gc = (global as any).gc as (() => void) | undefined;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const assembly = app.synth();
  if (options.afterGc) gc?.();
  const after = process.memoryUsage().heapUsed;
  void assembly;
  void app;
  return Math.max(0, after - before) / (1024 * 1024);
}

/** Heap the synthesized app still holds after a full collection (see {@link synthHeapMb}). */
export function retainedHeapMb(build: (stack: Stack) => void): number {
  return synthHeapMb(build, { afterGc: true });
}

/** Bytes of the synthesized template as CloudFormation receives it (minified JSON). */
export function templateBytes(build: (stack: Stack) => void): number {
  return Buffer.byteLength(JSON.stringify(synthTemplate(build)), 'utf8');
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

// ---------------------------------------------------------------------------------------------
// A construct against its hand-written aws-cdk-lib equivalent
// ---------------------------------------------------------------------------------------------

/** The goals every construct has against the hand-written equivalent (issue #13): ratios ours / baseline. */
export const HAND_WRITTEN_GOALS = {
  synthTime: '<= 1.05',
  peakHeap: '<= 1.05',
  retainedHeap: '<= 1.05',
  templateBytes: '<= 1.00',
} as const;

export interface HandWrittenComparison {
  /** Rounds of the synth-time measurement. @default 9 */
  readonly timeRounds?: number;
  /** Rounds of the heap measurements. @default 7 */
  readonly heapRounds?: number;
  /** Measure peak heap. @default true */
  readonly peakHeap?: boolean;
  /**
   * Measure the heap retained after a collection. Only where both sides retain more than 1 MB: below that
   * the ratio is about a few objects, not the construct. @default false
   */
  readonly retainedHeap?: boolean;
  /** The template-bytes metric's name (e.g. `root template bytes` when keys sit in nested stacks). */
  readonly bytesMetric?: string;
}

/** Synth time, peak heap (and retained heap) and template bytes of `ours` against `baseline`, one scenario each. */
export function againstHandWritten(
  name: string,
  ours: (stack: Stack) => void,
  baseline: (stack: Stack) => void,
  options: HandWrittenComparison = {},
): Scenario[] {
  const heapRounds = options.heapRounds ?? 7;
  const scenarios: Scenario[] = [
    {
      name,
      metric: 'synth wall time (ms)',
      goal: HAND_WRITTEN_GOALS.synthTime,
      ours: () => synthTimeMs(ours),
      baseline: () => synthTimeMs(baseline),
      rounds: options.timeRounds ?? 9,
    },
  ];
  if (options.peakHeap ?? true) {
    scenarios.push({
      name,
      metric: 'peak heap (MB)',
      goal: HAND_WRITTEN_GOALS.peakHeap,
      ours: () => synthHeapMb(ours),
      baseline: () => synthHeapMb(baseline),
      rounds: heapRounds,
    });
  }
  if (options.retainedHeap) {
    scenarios.push({
      name,
      metric: 'retained heap after GC (MB)',
      goal: HAND_WRITTEN_GOALS.retainedHeap,
      ours: () => retainedHeapMb(ours),
      baseline: () => retainedHeapMb(baseline),
      rounds: heapRounds,
    });
  }
  scenarios.push({
    name,
    metric: options.bytesMetric ?? 'template bytes',
    goal: HAND_WRITTEN_GOALS.templateBytes,
    ours: () => templateBytes(ours),
    baseline: () => templateBytes(baseline),
    rounds: 1,
  });
  return scenarios;
}
