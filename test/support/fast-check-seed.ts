/**
 * One seed for every property in a run, so that CI is reproducible (`.ci/run` sets `FC_SEED`); locally the
 * seed is random unless `FC_SEED` names one. fast-check prints the seed and path of any failure: re-run with
 * `FC_SEED=<seed>` to reproduce it, or `FC_SEED=random` to explore.
 */
import * as fc from 'fast-check';

const raw = process.env.FC_SEED;
if (raw !== undefined && raw !== '' && raw !== 'random') {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`FC_SEED must be an integer or 'random', got '${raw}'`);
  }
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
