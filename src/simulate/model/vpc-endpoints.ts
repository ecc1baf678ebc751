/** Reads `AWS::EC2::VPCEndpoint`: its id, its VPC (`aws:SourceVpc` of requests through it) and its policy. */
import { isUnresolved } from '../intrinsics';
import { normalizePolicy } from '../policy-eval';
import { TemplateReader } from './reader';
import type { TemplateModel } from './types';

export function readVpcEndpoints(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::EC2::VPCEndpoint')) {
    const props = res.Properties ?? {};
    const doc = props.PolicyDocument !== undefined ? reader.resolver.resolve(props.PolicyDocument) : undefined;
    const vpc = props.VpcId !== undefined ? reader.resolver.resolve(props.VpcId) : undefined;
    model.vpcEndpoints.push({
      logicalId: id,
      id: reader.resolver.resolve({ Ref: id }),
      vpcId: typeof vpc === 'string' && !isUnresolved(vpc) ? vpc : undefined,
      policy: doc === undefined ? undefined : normalizePolicy(doc),
    });
  }
}
