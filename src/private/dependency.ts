import { CfnResource } from 'aws-cdk-lib';

/**
 * `source` is created after `target` (a `DependsOn`). Uses `CfnResource.addResourceDependency` where it
 * exists (aws-cdk-lib 2.262 and later, where `addDependency` is deprecated), else `addDependency`, so no
 * supported version prints a deprecation warning.
 */
export function addResourceDependency(source: CfnResource, target: CfnResource): void {
  const modern = (source as unknown as { addResourceDependency?: (t: CfnResource) => void }).addResourceDependency;
  if (typeof modern === 'function') modern.call(source, target);
  else source.addDependency(target);
}
