import * as fc from 'fast-check';
import { LedgerLine, UsageLedger } from '../../../src';
import { logGroupNameOfArn, meterLogFormat, mergeLogFormat } from '../../../src/usage/meter/access-log';
import * as js from '../../../src/usage/meter/exporter-handler/ledger';
import { propertyRuns } from '../../support/budget';

const id = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
const line: fc.Arbitrary<LedgerLine> = fc.record(
  {
    date: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    tier: id,
    usagePlanId: id,
    keyId: id,
    customerId: id,
    used: fc.nat(),
    remaining: fc.integer({ min: -1, max: 1_000_000 }),
  },
  { requiredKeys: ['date', 'tier', 'usagePlanId', 'keyId', 'used', 'remaining'] },
);

describe('UsageLedger', () => {
  test('renders the documented line, customerId only when present', () => {
    // GIVEN
    const base = { date: '2026-12-01', tier: 'free', usagePlanId: 'abc123', keyId: 'k1x2y3', used: 42, remaining: 958 };

    // WHEN / THEN
    expect(UsageLedger.renderLine({ ...base, customerId: 'acme' })).toBe(
      '{"date":"2026-12-01","tier":"free","usagePlanId":"abc123","keyId":"k1x2y3","customerId":"acme","used":42,"remaining":958}',
    );
    expect(UsageLedger.renderLine(base)).toBe(
      '{"date":"2026-12-01","tier":"free","usagePlanId":"abc123","keyId":"k1x2y3","used":42,"remaining":958}',
    );
    expect(UsageLedger.objectKey('2026-12-01', 'abc123')).toBe('usage/date=2026-12-01/abc123.jsonl');
  });

  test('property: the library and the exporter render the same bytes, whatever the order of the lines', () => {
    fc.assert(
      fc.property(fc.uniqueArray(line, { selector: (l) => l.keyId, maxLength: 20 }), (lines) => {
        const body = UsageLedger.renderObject(lines);
        expect(js.ledgerBody(lines)).toBe(body);
        expect(UsageLedger.renderObject([...lines].reverse())).toBe(body);
        expect(
          body
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l).keyId),
        ).toEqual(lines.map((l) => l.keyId).sort());
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  test('quota periods: day, week starting Sunday (UTC), month', () => {
    // GIVEN / WHEN / THEN
    expect(js.quotaPeriodId('DAY', '2026-12-03')).toBe('2026-12-03');
    expect(js.quotaPeriodId('MONTH', '2026-12-03')).toBe('2026-12');
    expect(js.quotaPeriodId('WEEK', '2026-12-03')).toBe('week-2026-11-29'); // a Thursday
    expect(js.quotaPeriodId('WEEK', '2026-11-29')).toBe('week-2026-11-29'); // the Sunday itself
    expect(js.quotaPeriodId('WEEK', '2026-12-05')).toBe('week-2026-11-29'); // the Saturday after
    expect(js.quotaPeriodId('WEEK', '2026-12-06')).toBe('week-2026-12-06'); // the next Sunday
    expect(js.quotaPeriodId('WEEK', '2027-01-01')).toBe('week-2026-12-27');
  });
});

describe('access-log format', () => {
  test('the meter format never logs the key value', () => {
    // GIVEN / WHEN
    const fields = JSON.parse(meterLogFormat());

    // THEN
    expect(Object.values(fields)).not.toContain('$context.identity.apiKey');
    expect(fields.apiKeyId).toBe('$context.identity.apiKeyId');
  });

  test('merging keeps the user fields and adds only the missing ones; other formats are left alone', () => {
    // GIVEN / WHEN / THEN
    expect(mergeLogFormat('{"requestId":"$context.requestId","status":"$context.status","mine":"x"}', false)).toEqual({
      format: JSON.stringify({
        requestId: '$context.requestId',
        status: '$context.status',
        mine: 'x',
        apiKeyId: '$context.identity.apiKeyId',
        responseType: '$context.error.responseType',
        responseLength: '$context.responseLength',
        ip: '$context.identity.sourceIp',
      }),
      added: ['apiKeyId', 'responseType', 'responseLength', 'ip'],
    });
    expect(mergeLogFormat(meterLogFormat(), false)).toEqual({ format: undefined, added: [] });
    expect(mergeLogFormat('$context.requestId $context.status', false)).toEqual({ added: [], problem: 'notJson' });
    expect(mergeLogFormat('[1]', false)).toEqual({ added: [], problem: 'notJson' });
    expect(mergeLogFormat('${Token[X]}', true)).toEqual({ added: [], problem: 'token' });
  });

  test('log group names from CloudWatch Logs ARNs only', () => {
    expect(logGroupNameOfArn('arn:aws:logs:us-east-1:123456789012:log-group:my/group')).toBe('my/group');
    expect(logGroupNameOfArn('arn:aws:logs:us-east-1:123456789012:log-group:my-group:*')).toBe('my-group');
    expect(
      logGroupNameOfArn('arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x'),
    ).toBeUndefined();
  });
});
