/**
 * The Glue table over the ledger and the Athena workgroup to query it (docs/ARCHITECTURE.md "Metering").
 * Partition projection on `date` computes the partitions from the query itself, so no crawler and no
 * `MSCK REPAIR` are needed however many days and customers there are.
 */
import { Aws, Names } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { UsageLedger } from './ledger';

/** Where Athena writes query results: beside the ledger, never under it. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
/** The first day the table's partition projection covers. */
export const LEDGER_FIRST_DATE = '2020-01-01';

/** The names of what `createLedgerTable` made. */
export interface LedgerTableNames {
  readonly databaseName: string;
  readonly tableName: string;
  readonly workGroupName: string;
}

/** A Glue database name for a construct: lowercase letters, digits and `_`. */
export function glueDatabaseName(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 64, separator: '_' })
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

/** The Glue table's input: JSON SerDe, `date` as the projected partition (the lines' own field). */
export function ledgerTableInput(bucketName: string): glue.CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${UsageLedger.PREFIX}`;
  return {
    name: 'usage',
    description: 'UsageMeter ledger: one row per API key, usage plan and UTC day (from API Gateway GetUsage)',
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      'projection.enabled': 'true',
      'projection.date.type': 'date',
      'projection.date.format': 'yyyy-MM-dd',
      'projection.date.range': `${LEDGER_FIRST_DATE},NOW`,
      'projection.date.interval': '1',
      'projection.date.interval.unit': 'DAYS',
      'storage.location.template': `${location}date=\${date}/`,
    },
    partitionKeys: [{ name: 'date', type: 'string' }],
    storageDescriptor: {
      location,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      columns: [
        { name: 'tier', type: 'string' },
        { name: 'usageplanid', type: 'string' },
        { name: 'keyid', type: 'string' },
        { name: 'customerid', type: 'string' },
        { name: 'used', type: 'bigint' },
        { name: 'remaining', type: 'bigint' },
      ],
    },
  };
}

/** The Glue database and table over the ledger, and an Athena workgroup with encrypted, enforced results. */
export function createLedgerTable(scope: Construct, bucket: s3.IBucket): LedgerTableNames {
  const databaseName = glueDatabaseName(scope);
  const database = new glue.CfnDatabase(scope, 'LedgerDatabase', {
    catalogId: Aws.ACCOUNT_ID,
    databaseInput: { name: databaseName, description: 'UsageMeter usage ledger' },
  });
  const table = new glue.CfnTable(scope, 'LedgerTable', {
    catalogId: Aws.ACCOUNT_ID,
    databaseName,
    tableInput: ledgerTableInput(bucket.bucketName),
  });
  table.addDependency(database);
  const workGroupName = Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' });
  const key = bucket.encryptionKey;
  new athena.CfnWorkGroup(scope, 'WorkGroup', {
    name: workGroupName,
    description: 'Queries over the UsageMeter ledger',
    state: 'ENABLED',
    // Query history would otherwise block deleting the stack; results in S3 are kept either way.
    recursiveDeleteOption: true,
    workGroupConfiguration: {
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      resultConfiguration: {
        outputLocation: `s3://${bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
        encryptionConfiguration: key
          ? { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn }
          : { encryptionOption: 'SSE_S3' },
      },
    },
  });
  return { databaseName, tableName: 'usage', workGroupName };
}
