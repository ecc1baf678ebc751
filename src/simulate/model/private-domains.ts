/**
 * Reads private custom domain names (`AWS::ApiGateway::DomainNameV2` PRIVATE, `BasePathMappingV2`,
 * `DomainNameAccessAssociation`) with the model's own resolver, so that each domain's `viaDomainArn` is
 * the value the API's policy resolves to (docs/SEMANTICS.md "Private custom domain names").
 */
import { DomainsModel, readDomainsWith } from '../domain';
import { TemplateReader } from './reader';
import type { TemplateModel } from './types';

export function readPrivateDomains(reader: TemplateReader, model: TemplateModel): void {
  model.domains.push(...readDomainsWith(reader.resolver).domains);
}

/** The model's domains as `decideDomain` and `explainDomains` take them. */
export function domainsModelOf(model: TemplateModel): DomainsModel {
  return {
    domains: model.domains,
    env: { partition: model.partition, region: model.region, account: model.account },
    endpointId: (v) => model.vpcEndpoints.find((e) => e.logicalId === v)?.id ?? v,
  };
}
