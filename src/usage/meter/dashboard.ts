/**
 * The meter's dashboard widgets (docs/ARCHITECTURE.md "Metering"). API Gateway's own metrics and access
 * logs do not name the usage plan, so requests are per tier (the exporter's EMF metric) and 4XX / 429 /
 * 403 are per stage; the insight rules rank API keys.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** What the widgets show. */
export interface DashboardInput {
  readonly namespace: string;
  readonly tierNames: string[];
  readonly stages: apigw.IStage[];
  readonly logGroupNames: string[];
  readonly insightRules: Array<{ readonly title: string; readonly ruleName: string }>;
}

/** Requests per tier: the exporter's running total for the UTC day (Maximum per hour). */
function requestsPerTier(input: DashboardInput): cloudwatch.IWidget {
  return new cloudwatch.GraphWidget({
    title: 'Requests per tier (UTC day so far, from GetUsage)',
    width: 12,
    left: input.tierNames.map(
      (tier) =>
        new cloudwatch.Metric({
          namespace: input.namespace,
          metricName: 'Requests',
          dimensionsMap: { Tier: tier },
          statistic: 'Maximum',
          period: Duration.hours(1),
          label: tier,
        }),
    ),
  });
}

/** 4XX per bound stage, from the AWS/ApiGateway metrics (stages built in this app). */
function clientErrorsPerStage(stages: apigw.IStage[]): cloudwatch.IWidget | undefined {
  const own = stages.filter((s): s is apigw.Stage => s instanceof apigw.Stage);
  if (own.length === 0) return undefined;
  return new cloudwatch.GraphWidget({
    title: '4XX errors per stage',
    width: 12,
    left: own.map((s) =>
      s.metricClientError({ statistic: 'Sum', period: Duration.minutes(5), label: `${s.node.path} 4XX` }),
    ),
  });
}

/** 429 and 403 by response type (THROTTLED, QUOTA_EXCEEDED, INVALID_API_KEY, ...) from the access logs. */
function rejectionsFromLogs(logGroupNames: string[]): cloudwatch.IWidget {
  return new cloudwatch.LogQueryWidget({
    title: '429 and 403 by response type (access logs)',
    width: 12,
    logGroupNames,
    view: cloudwatch.LogQueryVisualizationType.STACKEDAREA,
    queryLines: [
      'fields status, responseType',
      'filter status = "429" or status = "403"',
      'stats count(*) as requests by responseType, bin(1h)',
    ],
  });
}

/** The top contributor's value and the number of distinct keys, per insight rule. */
function topContributors(rules: DashboardInput['insightRules']): cloudwatch.IWidget[] {
  return rules.map(
    (r) =>
      new cloudwatch.GraphWidget({
        title: `${r.title} (rule ${r.ruleName})`,
        width: 8,
        left: [
          new cloudwatch.MathExpression({
            expression: `INSIGHT_RULE_METRIC('${r.ruleName}', 'MaxContributorValue')`,
            label: 'top key',
            period: Duration.minutes(5),
          }),
          new cloudwatch.MathExpression({
            expression: `INSIGHT_RULE_METRIC('${r.ruleName}', 'UniqueContributors')`,
            label: 'distinct keys',
            period: Duration.minutes(5),
          }),
        ],
      }),
  );
}

/** Every widget of the meter's dashboard, in rows. */
export function meterWidgets(input: DashboardInput): cloudwatch.IWidget[][] {
  const first = [requestsPerTier(input), clientErrorsPerStage(input.stages)].filter(
    (w): w is cloudwatch.IWidget => w !== undefined,
  );
  const rows = [first];
  if (input.logGroupNames.length > 0) rows.push([rejectionsFromLogs(input.logGroupNames)]);
  if (input.insightRules.length > 0) rows.push(topContributors(input.insightRules));
  return rows;
}
