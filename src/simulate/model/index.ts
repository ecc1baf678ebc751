/**
 * Template → model: a short list of readers, one per resource kind, each adding what it reads to the
 * model (docs/ARCHITECTURE.md "Where to add things": a new resource kind is a new reader in READERS).
 */
import { Resolver, ResolveContext } from '../intrinsics';
import { SimulationInputError } from '../request';
import { readApiKeys } from './api-keys';
import { readAuthorizers } from './authorizers';
import { readMethods } from './methods';
import { readPrivateDomains } from './private-domains';
import { TemplateReader, partitionOf } from './reader';
import { readRestApis } from './rest-apis';
import { readStages } from './stages';
import type { ModelOptions, TemplateModel } from './types';
import { readUsagePlans } from './usage-plans';
import { readVpcEndpoints } from './vpc-endpoints';

export * from './types';
export { throttleOf } from './reader';
export { domainsModelOf } from './private-domains';

/** A reader adds what one resource kind says to the model (readers run in this order). */
export type ModelReader = (reader: TemplateReader, model: TemplateModel) => void;

/**
 * The readers, in dependency order: APIs first (the others attach to them), plans before the keys that
 * join them; private custom domains last (their mappings name APIs, their associations endpoints).
 */
export const READERS: readonly ModelReader[] = [
  readSamNote,
  readRestApis,
  readMethods,
  readStages,
  readAuthorizers,
  readUsagePlans,
  readApiKeys,
  readVpcEndpoints,
  readPrivateDomains,
];

/**
 * Reads a template (already parsed) into the model. Nested stacks of a cdk.out are merged into one
 * template before this (the model reads one template).
 */
export function buildModel(template: { [key: string]: any }, options: ModelOptions = {}): TemplateModel {
  checkTemplateShape(template);
  const region = options.region ?? 'us-east-1';
  const ctx: ResolveContext = {
    account: options.account ?? '123456789012',
    region,
    partition: partitionOf(region),
    stackName: options.stackName ?? 'Stack',
    parameters: options.parameters ?? {},
  };
  const reader = new TemplateReader(new Resolver(template, ctx));
  const model: TemplateModel = {
    apis: [],
    vpcEndpoints: [],
    plans: [],
    keys: [],
    domains: [],
    notes: reader.notes,
    account: ctx.account,
    region: ctx.region,
    partition: ctx.partition,
    resolver: reader.resolver,
  };
  for (const read of READERS) read(reader, model);
  return model;
}

function checkTemplateShape(template: unknown): void {
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw new SimulationInputError('not a CloudFormation template: the top level must be an object');
  }
  const resources = (template as { Resources?: unknown }).Resources;
  if (resources !== undefined && (typeof resources !== 'object' || resources === null || Array.isArray(resources))) {
    throw new SimulationInputError('not a CloudFormation template: Resources must be an object');
  }
}

/** SAM resources are not simulated: say so. */
function readSamNote(reader: TemplateReader): void {
  const serverless = Object.entries(reader.resources).filter(
    ([, r]) => typeof r?.Type === 'string' && r.Type.startsWith('AWS::Serverless::'),
  );
  if (serverless.length === 0) return;
  const names = serverless.map(([id, r]) => `${id} (${r.Type})`);
  reader.notes.push(
    `not simulated: ${names.join(', ')} — these need the SAM transform; simulate the translated template (e.g. from 'sam validate --debug' or the deployed stack) to include them`,
  );
}
