/**
 * Pure checks of UsageMeter input (JavaScript callers have no compiler): each returns the problem, or
 * undefined.
 */
import { PropProblem } from '../../private/errors';

export const DEFAULT_WARNING_PERCENT = 80;

/** `quotaWarningPercent`: an integer from 1 to 100. */
export function checkWarningPercent(value: unknown): PropProblem | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    return {
      prop: 'quotaWarningPercent',
      value,
      problem: typeof value === 'number' ? 'is out of range' : 'is not a number',
      expected: `an integer from 1 to 100 (the percent of a key's quota that triggers one warning), or leave it unset for ${DEFAULT_WARNING_PERCENT}`,
    };
  }
  return undefined;
}

/** `perKeyMetrics`: a boolean. */
export function checkPerKeyMetrics(value: unknown): PropProblem | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return { prop: 'perKeyMetrics', value, problem: 'is not a boolean', expected: 'true or false (default false)' };
}
