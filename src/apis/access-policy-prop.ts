import { AccessPolicy } from '../access';
import { propError } from '../private/errors';

/** Checks an optional `accessPolicy` prop of one of the APIs (JavaScript callers can pass anything). */
export function checkAccessPolicyProp(label: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AccessPolicy)) {
    throw propError(label, {
      prop: 'accessPolicy',
      value,
      problem: 'is not an AccessPolicy',
      expected: 'new AccessPolicy({ ... }) or unset',
    });
  }
}
