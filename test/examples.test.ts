import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../examples/app';

describe('example app', () => {
  test('synthesizes every stack with at least one REST API', () => {
    // GIVEN / WHEN
    const app = buildExampleApp();
    const assembly = app.synth();

    // THEN
    expect(assembly.stacks.length).toBeGreaterThan(0);
    for (const stack of assembly.stacks) {
      Template.fromJSON(stack.template).resourceCountIs('AWS::ApiGateway::RestApi', 1);
    }
  });
});
