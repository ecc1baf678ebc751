import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { describeScope, propError, propMessage, renderValue } from '../../src/private/errors';

describe('error helper', () => {
  test('names the construct type, path, prop, value and accepted form', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'MyStack');

    // WHEN
    const message = propMessage(stack, {
      prop: 'vpcEndpoints',
      value: [],
      problem: 'must not be empty',
      expected: "at least one interface VPC endpoint, or use 'vpcs'",
    });

    // THEN
    expect(message).toBe(
      "Stack 'MyStack': 'vpcEndpoints' must not be empty: got []; expected at least one interface VPC endpoint, or use 'vpcs'",
    );
  });

  test("uses the jsii type name, not aws-cdk-lib's decorated run-time class name", () => {
    const stack = new Stack(new App(), 'S');
    expect(describeScope(new apigw.RestApi(stack, 'Api'))).toBe("RestApi 'S/Api'");
  });

  test('accepts a plain label where there is no construct', () => {
    expect(describeScope('RequestSimulator')).toBe('RequestSimulator');
    const err = propError('RequestSimulator', {
      prop: 'method',
      value: 'FETCH',
      expected: 'GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS',
    });
    expect(err.message).toBe(
      'RequestSimulator: \'method\' is invalid: got "FETCH"; expected GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS',
    );
    expect(err.prop).toBe('method');
  });

  test('renders values compactly', () => {
    expect(renderValue(undefined)).toBe('undefined');
    expect(renderValue(0)).toBe('0');
    expect(renderValue('x'.repeat(300)).length).toBeLessThanOrEqual(302);
    expect(renderValue({ a: 'x'.repeat(300) })).toMatch(/\.\.\.$/);
  });
});
