import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AccessPolicy, Source } from '../access';
import { applySecureDefaultsAfterConstruction, withSecureDefaults } from './defaults';
import { describeNewConstruct, propError, propMessage } from '../private/errors';

/** Properties of a {@link CrossAccountApi}. */
export interface CrossAccountApiProps extends apigw.RestApiProps {
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
 * app). Cross-account calls need both sides to allow (SEMANTICS Table B); same-account callers are
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
    if (!props || !props.allow || props.allow.length === 0) {
      throw propError(label, {
        prop: 'allow',
        value: props?.allow ?? [],
        problem: 'must not be empty',
        expected:
          'at least one Source: Source.accounts([...]), Source.organization(...), Source.organizationPaths([...]) or Source.principals([...])',
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
    const withDefaults = withSecureDefaults({
      ...props,
      defaultMethodOptions: {
        ...props.defaultMethodOptions,
        authorizationType: userAuth ?? apigw.AuthorizationType.IAM,
      },
    });
    super(scope, id, withDefaults);
    applySecureDefaultsAfterConstruction(this, withDefaults);

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
    const method = options.method ?? '*';
    const path = options.path ?? '/*';
    if (!Token.isUnresolved(path) && !path.startsWith('/')) {
      throw propError(this, {
        prop: 'path',
        value: path,
        expected: "a resource path starting with '/', e.g. '/orders/*'",
      });
    }
    const stage = options.stage ?? this.deploymentStage?.stageName ?? '*';
    return this.arnForExecuteApi(method, path, stage);
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
