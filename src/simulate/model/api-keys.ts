/** Reads `AWS::ApiGateway::ApiKey` and the plans `AWS::ApiGateway::UsagePlanKey` puts them in. */
import { TemplateReader, bool } from './reader';
import type { TemplateModel } from './types';

export function readApiKeys(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::ApiGateway::ApiKey')) {
    const props = reader.resolver.resolve(res.Properties ?? {});
    model.keys.push({
      logicalId: id,
      name: typeof props.Name === 'string' ? props.Name : undefined,
      value: typeof props.Value === 'string' ? props.Value : undefined,
      // CloudFormation's default for Enabled is false (aws-cdk-lib always writes it)
      enabled: bool(props.Enabled, false),
      customerId: typeof props.CustomerId === 'string' && props.CustomerId !== '' ? props.CustomerId : undefined,
      planIds: [],
    });
  }
  for (const [id, res] of reader.byType('AWS::ApiGateway::UsagePlanKey')) {
    const props = res.Properties ?? {};
    const keyLogical = reader.logicalOf(props.KeyId);
    const planLogical = reader.logicalOf(props.UsagePlanId);
    const key = model.keys.find((k) => k.logicalId === keyLogical);
    if (!key || !planLogical || !model.plans.some((p) => p.logicalId === planLogical)) {
      reader.notes.push(`usage plan key ${id}: its key or plan is not in this template; skipped`);
      continue;
    }
    key.planIds.push(planLogical);
  }
}
