import { awscdk, javascript, DependencyType, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The single source of truth for package.json, tasks, tsconfig and eslint.
 * Edit this file, then run `npx projen`.
 */

// The peer floor: the lowest aws-cdk-lib the library works with, proved in CI by a consumer app at this
// version (build-tools/floor-smoke.sh). RestApi.addToResourcePolicy first appears in 2.179.0; newer APIs
// (CfnResource.addResourceDependency, Validations) are feature-detected.
const CDK_PEER_FLOOR = '2.179.0';
// What we build and test with: the newest aws-cdk-lib whose cloud assembly the newest
// integ-runner (2.197.10) can read.
const CDK_DEV_VERSION = '2.257.0';
const INTEG_RUNNER_VERSION = '2.197.10';
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-api-gatekeeper',
  description:
    'Secure-by-default AWS CDK constructs for API Gateway REST APIs: typed resource policies (who may call), usage tiers (how much), synth-time checks and an offline request simulator.',
  author: 'cdk-api-gatekeeper maintainers',
  authorAddress: 'maintainers@cdk-api-gatekeeper.dev',
  repositoryUrl: 'https://github.com/cdk-api-gatekeeper/cdk-api-gatekeeper.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['cdk', 'aws-cdk', 'apigateway', 'resource-policy', 'usage-plan', 'api-key', 'private-api', 'security'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  jsiiVersion: '~6.0.0',

  cdkVersion: CDK_PEER_FLOOR,
  constructsVersion: '10.5.1',
  // The dev copy of aws-cdk-lib is pinned below, not to the peer floor.
  peerDependencyOptions: { pinnedDevDependency: false },

  // CI is `.ci/run`; no GitHub workflows, mergify or release automation are generated.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  prettier: true,
  prettierOptions: {
    settings: { singleQuote: true, printWidth: 120, trailingComma: javascript.TrailingComma.ALL },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'bench', 'examples', 'build-tools', 'projenrc', '.projenrc.ts'],
  },

  // Runtime dependencies of a jsii library must be bundled.
  bundledDeps: ['ipaddr.js@^2.2.0', 'yaml@^2.8.0'],
  devDeps: [
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    'cdk-nag@3.0.2',
    'fast-check@^4.3.0',
    // AGPL-3.0: an independent oracle for tests only, never shipped.
    '@cloud-copilot/iam-simulate@0.1.173',
    // Lambda handlers shipped by the library use the AWS SDK v3 of the Lambda runtime (never bundled);
    // their unit tests mock it.
    'aws-sdk-client-mock@^4.1.0',
    '@aws-sdk/client-api-gateway@^3.1142.0',
    '@aws-sdk/client-s3@^3.1142.0',
    '@aws-sdk/client-eventbridge@^3.1142.0',
    '@aws-sdk/client-dynamodb@^3.1142.0',
  ],
  bin: { 'cdk-api-gatekeeper': 'lib/cli/main.js' },

  integrationTestAutoDiscover: false,
  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    coverageText: false,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/support/strip-asset-hashes.ts'],
      setupFiles: ['<rootDir>/test/support/fast-check-seed.ts'],
      testTimeout: 120_000,
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },
  tsconfigDev: {
    include: ['../integ/**/*.ts', '../bench/**/*.ts', '../examples/**/*.ts'],
    // Tests import the plain-JavaScript Lambda handlers (src/**/*-handler/index.js) with their JSDoc types.
    compilerOptions: { allowJs: true, checkJs: false },
  },
  gitignore: ['cdk.out/', 'integ/**/cdk.out/', 'bench/results.json', '.jsii-pacmak/', 'dist/', '*.tsbuildinfo'],
  npmIgnoreOptions: { ignorePatterns: ['/integ/', '/bench/', '/examples/', '/.ci/', '/cdk.out/'] },

  publishToPypi: { distName: 'cdk-api-gatekeeper', module: 'cdk_api_gatekeeper' },
  publishToMaven: {
    javaPackage: 'io.github.cdkapigatekeeper',
    mavenGroupId: 'io.github.cdk-api-gatekeeper',
    mavenArtifactId: 'cdk-api-gatekeeper',
  },
  publishToNuget: { dotNetNamespace: 'CdkApiGatekeeper', packageId: 'CdkApiGatekeeper' },
  publishToGo: { moduleName: 'github.com/cdk-api-gatekeeper/cdk-api-gatekeeper-go' },
});

// Build and test against a newer aws-cdk-lib than the peer floor (see DEVELOPERS.md: integ-runner reads
// cloud assemblies of aws-cdk-lib <= 2.257.0).
project.deps.addDependency(`aws-cdk-lib@${CDK_DEV_VERSION}`, DependencyType.BUILD);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);
// jsii would like the dev copy pinned to the peer floor; we test on the newer one on purpose.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=JSII6');
// Lambda handlers are plain JavaScript beside their construct (`src/**/<name>-handler/`); jsii compiles only
// TypeScript, so compiling also copies them into lib/ with the same relative path (part of `compile` itself,
// so that every path to a package — `build`, `test` then `package:js` — ships them).
project.compileTask.exec('node build-tools/copy-handlers.js');

// integ/, bench/ and examples/ are type-checked (and linted) like tests, each with its own tsconfig.
for (const dir of ['integ', 'bench', 'examples']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..', isolatedModules: true },
      include: ['**/*.ts'],
      exclude: ['node_modules', '**/*.snapshot/**'],
    },
    marker: false,
  });
}

// Tests live under test/ only (one <module>.test.ts per source file, *.prop.test.ts for properties).
project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------
const integ = project.addTask('integ', {
  description: 'Verify the integration-test snapshots under integ/ (no AWS credentials needed)',
  env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' },
  exec: 'integ-runner --directory integ --language typescript --parallel-regions us-east-1',
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Re-synthesize and update the integration-test snapshots (does not deploy)',
  env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' },
  exec: 'integ-runner --directory integ --language typescript --parallel-regions us-east-1 --update-on-failed --dry-run',
  receiveArgs: true,
});

// The shape stays: no import cycles, and only the edges of docs/ARCHITECTURE.md "Import edges".
const layer = (name: string) => `./src/${name}`;
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': [
    'error',
    {
      zones: [
        {
          target: layer('simulate'),
          from: ['access', 'usage', 'apis', 'cli', 'validation'].map(layer),
          message: 'the simulator reads templates only: it never imports the compiler, the constructs or the CLI',
        },
        {
          target: layer('access'),
          from: ['simulate', 'usage', 'apis', 'cli', 'validation'].map(layer),
          message: 'access/ compiles policies: it never imports the simulator or the layers above it',
        },
        {
          target: layer('usage'),
          from: ['simulate', 'access', 'apis', 'cli', 'validation'].map(layer),
          message: 'usage/ never imports the simulator or the layers above it',
        },
        {
          target: layer('apis'),
          from: layer('simulate'),
          except: ['./policy-eval.ts', './intrinsics.ts'],
          message: 'apis/ uses only the policy evaluator and intrinsics of the simulator (the private-API check)',
        },
        {
          target: ['access', 'usage', 'apis', 'simulate', 'validation', 'private', 'index.ts'].map(layer),
          from: layer('cli'),
          message: 'nothing imports the command',
        },
        {
          target: layer('cli'),
          from: ['access', 'usage', 'apis', 'validation'].map(layer),
          message: 'the command goes through the simulator only',
        },
        {
          target: layer('validation'),
          from: ['access', 'usage', 'apis', 'cli'].map(layer),
          message: 'the validation plugin goes through the simulator only',
        },
        {
          target: layer('access/compile'),
          from: layer('access'),
          except: ['./compile'],
          message: 'access/compile/ is pure: it imports only itself and private/cidr',
        },
        {
          target: layer('simulate/request.ts'),
          from: layer('simulate'),
          except: ['./request.ts'],
          message: 'request.ts holds the types everything imports: it imports nothing of the simulator',
        },
        {
          target: layer('simulate/model'),
          from: ['simulate/decide', 'simulate/simulator.ts', 'simulate/explain.ts'].map(layer),
          message: 'the model is read before any decision: model/ never imports decide/, explain or the front door',
        },
        {
          target: layer('simulate/decide'),
          from: ['simulate/simulator.ts', 'simulate/explain.ts'].map(layer),
          message: 'the steps never import the front door or explain',
        },
      ],
    },
  ],
});

project.addTask('test:fast', {
  description: 'The inner loop: jest with small property budgets and no coverage (no compile, eslint or integ)',
  env: { PROPERTY_RUNS_SCALE: '0.05', AWS_REGION: 'us-east-1' },
  // jest's default on 2 cores is one worker (cores - 1): the inner loop takes both
  exec: 'jest --passWithNoTests --coverage=false --maxWorkers=100%',
  receiveArgs: true,
});
project.addTask('floor-smoke', {
  description:
    'A consumer app using every construct, at the peer floor of aws-cdk-lib with cdk-nag 2 (needs package:js)',
  exec: 'bash build-tools/floor-smoke.sh',
});
project.addTask('demo', {
  description: 'Synthesize the example app to cdk.out/ and print what it built',
  exec: 'ts-node --project test/tsconfig.json examples/demo.ts',
});

project.addTask('bench', {
  description: 'Run the benchmarks against hand-written aws-cdk-lib and write bench/results.json',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'node --expose-gc -r ts-node/register bench/run.ts',
  receiveArgs: true,
});

// The README's test command (`npm test`): compile, docgen + API.md drift check, type check of the tests,
// jest (snapshots never updated), eslint, integ snapshot verification.
const test = project.testTask;
test.reset();
test.spawn(project.compileTask);
test.spawn(project.tasks.tryFind('docgen')!);
test.exec('node build-tools/check-drift.js API.md');
// ts-jest runs with isolatedModules (no cross-file type check): type-check tests, integ, bench and examples here.
test.exec('tsc --noEmit -p test/tsconfig.json');
test.exec('jest --passWithNoTests --coverageProvider=v8 --ci --json --outputFile=test-reports/jest.json', {
  receiveArgs: true,
});
// Lint without --fix so that CI reports problems instead of rewriting files (`npx projen eslint` fixes).
test.exec(
  'eslint --ext .ts,.tsx --no-error-on-unmatched-pattern src test integ bench examples build-tools projenrc .projenrc.ts',
  { env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' } },
);
test.spawn(integ);

project.synth();
