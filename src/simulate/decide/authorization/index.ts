/**
 * Step 5: authorization, per the method's type (docs/SEMANTICS.md "Policy evaluation": the outcome tables).
 * One function per authorization type; a new type is a new file and a row here.
 */
import type { AuthType } from '../../model';
import { DecisionContext, StepResult, methodOf } from '../context';
import { cognitoAuthorization } from './cognito';
import { iamAuthorization } from './iam';
import { lambdaAuthorization } from './lambda';
import { noAuthorization } from './none';

export const AUTHORIZERS: Readonly<Record<AuthType, (ctx: DecisionContext) => StepResult>> = {
  NONE: noAuthorization,
  AWS_IAM: iamAuthorization,
  CUSTOM: lambdaAuthorization,
  COGNITO_USER_POOLS: cognitoAuthorization,
};

export function authorization(ctx: DecisionContext): StepResult {
  return AUTHORIZERS[methodOf(ctx).authorizationType](ctx);
}
