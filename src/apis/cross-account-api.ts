import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { applySecureDefaultsAfterConstruction, methodAuth, withSecureDefaults } from './defaults';
import { applyEndpointSettings, checkEndpointSettings } from './endpoint-settings';
import { SecureRestApiProps } from './secure-rest-api-props';
import { AccessPolicy, Source } from '../access';
import { describeNewConstruct, propError, propMessage } from '../private/errors';

/** Properties of a {@link CrossAccountApi}. */
export interface CrossAccountApiProps extends SecureRestApiProps {
  /**
   * Who may call: accounts, an organization, organization paths or IAM principals (SigV4 callers).
   * A caller is admitted if any of them matches (and no `deny` does), and its own IAM policy allows
   * `execute-api:Invoke` (see `invokePolicyStatement()`).
   *
   * @example [Source.accounts(['111122223333']), Source.organization('o-a1b2c3d4e5')]
   */
  readonly allow: Source[];

  /**
   * Callers refused even when `allow` matches.
   *
   * @default - none
   */
  readonly deny?: Source[];

  /**
   * Allow methods whose authorization type is not `AWS_IAM`. A CrossAccountApi makes every method
   * AWS_IAM by default; a method that sets another type is an error unless this is true.
   *
   * @default false
   */
  readonly allowNonIamMethods?: boolean;
}

/** Where a caller may invoke: a stage, a method and a path (each may be `*`). */
export interface InvokeScopeOptions {
  /**
   * The stage.
   *
   * @default - the API's deployment stage
   */
  readonly stage?: string;

  /**
   * The HTTP method (`GET`, …), or `*` for all.
   *
   * @default '*'
   */
  readonly method?: string;

  /**
   * The resource path, starting with `/`; `/*` for every path.
   *
   * @default '/*'
   */
  readonly path?: string;
}

/**
 * A REST API for callers in other AWS accounts: every method is `AWS_IAM` (SigV4), the resource policy
 * admits only the given accounts, organization, organization paths or principals, and the caller side's
 * IAM statement is one call away (`invokePolicyStatement()`, or `grantInvoke()` for principals in this
 * app). Cross-account calls need both sides to allow (docs/SEMANTICS.md "Policy evaluation"); same-account callers are
 * refused unless `allow` lists them.
 *
 * @example
 * const api = new CrossAccountApi(this, 'Partners', {
 *   allow: [Source.accounts(['111122223333'])],
 * });
 * api.root.addResource('orders').addMethod('GET', integration);
 */
export class CrossAccountApi extends apigw.RestApi {
  /** The access policy applied to this API. */
  public readonly accessPolicy: AccessPolicy;

  constructor(scope: Construct, id: string, props: CrossAccountApiProps) {
    const label = describeNewConstruct('CrossAccountApi', scope, id);
    checkProps(label, props);
    checkEndpointSettings(label, props ?? {});
    const userAuth = props.defaultMethodOptions?.authorizationType;
    const prepared = withSecureDefaults(scope, {
      ...props,
      defaultMethodOptions: {
        ...props.defaultMethodOptions,
        authorizationType: userAuth ?? apigw.AuthorizationType.IAM,
      },
    });
    super(scope, id, prepared.props);
    applyEndpointSettings(this, props ?? {});
    applySecureDefaultsAfterConstruction(this, prepared, (m) =>
      methodAuth(m).type === apigw.AuthorizationType.IAM
        ? [{ rule: 'AwsSolutions-COG4', reason: 'The method authorizes callers with IAM (SigV4), not Cognito.' }]
        : [],
    );

    this.accessPolicy = new AccessPolicy({ allow: props.allow, deny: props.deny });
    this.accessPolicy.applyTo(this);

    if (!props.allowNonIamMethods) {
      this.node.addValidation({ validate: () => this.nonIamMethods() });
    }
  }

  /**
   * Grants a principal of this app permission to invoke the API (the caller side; the API's policy must
   * also admit it through `allow`).
   */
  public grantInvoke(grantee: iam.IGrantable, options: InvokeScopeOptions = {}): iam.Grant {
    if (!grantee || typeof grantee !== 'object' || !('grantPrincipal' in grantee)) {
      throw propError(this, {
        prop: 'grantee',
        value: grantee,
        problem: 'is not grantable',
        expected: 'an iam.IGrantable such as a Role or a Function',
      });
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.invokeArn(options)],
    });
  }

  /**
   * The IAM statement a caller in another account needs in its identity policy: `execute-api:Invoke` on
   * this API's execute-api ARN (region, account and API id of this stack), scoped to stage, method and
   * path. Render it with `Stack.of(api).toJsonString(statement.toStatementJson())` or a `CfnOutput` and
   * hand it to the caller's account.
   */
  public invokePolicyStatement(options: InvokeScopeOptions = {}): iam.PolicyStatement {
    return new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      actions: ['execute-api:Invoke'],
      resources: [this.invokeArn(options)],
    });
  }

  private invokeArn(options: InvokeScopeOptions): string {
    if (options === null || typeof options !== 'object') {
      throw propError(this, {
        prop: 'options',
        value: options,
        problem: 'is not an object',
        expected: '{ stage?, method?, path? } or nothing',
      });
    }
    const method = this.invokeOption(
      'method',
      options.method,
      '*',
      /^(\*|[A-Za-z]+)$/,
      "an HTTP method such as 'GET', or '*'",
    );
    const path = this.invokeOption(
      'path',
      options.path,
      '/*',
      /^\//,
      "a resource path starting with '/', e.g. '/orders/*'",
    );
    const stage = this.invokeOption(
      'stage',
      options.stage,
      this.deploymentStage?.stageName ?? '*',
      /^(\*|[A-Za-z0-9_-]+)$/,
      "a stage name such as 'prod', or '*'",
    );
    return this.arnForExecuteApi(method, path, stage);
  }

  /** One option of invokePolicyStatement / grantInvoke: unset (its default), a token, or a string of `re`'s form. */
  private invokeOption(prop: string, value: unknown, dflt: string, re: RegExp, expected: string): string {
    if (value === undefined) return dflt;
    if (typeof value === 'string' && (Token.isUnresolved(value) || re.test(value))) return value;
    throw propError(this, {
      prop,
      value,
      problem: typeof value === 'string' ? 'is invalid' : 'is not a string',
      expected,
    });
  }

  private nonIamMethods(): string[] {
    return this.methods
      .filter((m) => {
        const cfn = m.node.defaultChild as apigw.CfnMethod;
        const type = Stack.of(this).resolve(cfn.authorizationType);
        return m.httpMethod !== 'OPTIONS' && type !== apigw.AuthorizationType.IAM;
      })
      .map((m) =>
        propMessage(this, {
          prop: `${m.resource.path} ${m.httpMethod} authorizationType`,
          value: Stack.of(this).resolve((m.node.defaultChild as apigw.CfnMethod).authorizationType),
          expected: "AWS_IAM on every method of a CrossAccountApi; set 'allowNonIamMethods: true' to allow others",
        }),
      );
  }
}

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: CrossAccountApiProps): void {
  if (props === null || typeof props !== 'object') {
    throw propError(label, {
      prop: 'props',
      value: props,
      problem: 'is not an object',
      expected: '{ allow: [Source.accounts([...])] }',
    });
  }
  if (!Array.isArray(props.allow) || props.allow.length === 0) {
    throw propError(label, {
      prop: 'allow',
      value: props.allow,
      problem: Array.isArray(props.allow) || props.allow === undefined ? 'must not be empty' : 'is not a list',
      expected:
        'at least one Source: Source.accounts([...]), Source.organization(...), Source.organizationPaths([...]) or Source.principals([...])',
    });
  }
  for (const [prop, list] of [
    ['allow', props.allow],
    ['deny', props.deny ?? []],
  ] as const) {
    if (!Array.isArray(list)) {
      throw propError(label, { prop, value: list, problem: 'is not a list', expected: 'a list of Source' });
    }
    list.forEach((s, i) => {
      if (!(s instanceof Source)) {
        throw propError(label, {
          prop: `${prop}[${i}]`,
          value: s,
          problem: 'is not a Source',
          expected: 'a Source such as Source.accounts([...])',
        });
      }
    });
  }
  const userAuth = props.defaultMethodOptions?.authorizationType;
  if (userAuth !== undefined && userAuth !== apigw.AuthorizationType.IAM && !props.allowNonIamMethods) {
    throw propError(label, {
      prop: 'defaultMethodOptions.authorizationType',
      value: userAuth,
      expected: "AuthorizationType.IAM (or unset); set 'allowNonIamMethods: true' to allow other types",
    });
  }
}
