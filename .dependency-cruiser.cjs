/**
 * The import rules of credsweep (npm run lint). handlers/core is one folder per concept, in this
 * order from the bottom up; a concept imports only the ones below it (docs/architecture.md):
 *   shared → report → plan → approval → change → evidence → security-hub → run → organization
 * handlers/ports sits just above shared (interfaces over the domain types); handlers/core never
 * imports the AWS adapters, the command line, the infrastructure or an AWS SDK.
 */
const ORDER = [
  'shared',
  'report',
  'plan',
  'approval',
  'change',
  'evidence',
  'security-hub',
  'run',
  'organization',
];

const above = (i) => ORDER.slice(i + 1).join('|');
const layerRules = ORDER.slice(0, -1).map((concept, i) => ({
  name: `core-order-${concept}`,
  comment: `handlers/core/${concept} is below ${ORDER.slice(i + 1).join(', ')}: it must not import them (the concept order in docs/architecture.md).`,
  severity: 'error',
  from: { path: `^handlers/core/${concept}/` },
  to: { path: `^handlers/core/(${above(i)})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import circles anywhere, type-only imports included: move the shared piece below both files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment:
        'handlers/core holds the rules: it imports no AWS adapter, command line, infrastructure or AWS SDK.',
      severity: 'error',
      from: { path: '^handlers/core/' },
      to: {
        path: [
          '^handlers/aws/',
          '^cli/',
          '^infra/',
          '^scripts/',
          '@aws-sdk/',
          'aws-cdk-lib',
          '^handlers/[^/]+\\.ts$',
        ],
      },
    },
    {
      name: 'core-loose-files',
      comment: 'Every rule lives in a concept folder of handlers/core.',
      severity: 'error',
      from: { path: '^handlers/core/[^/]+\\.ts$' },
      to: {},
    },
    {
      name: 'shared-is-the-bottom',
      comment:
        'handlers/core/shared is below the ports and every concept: it imports nothing else of handlers/.',
      severity: 'error',
      from: { path: '^handlers/core/shared/' },
      to: { path: '^handlers/(ports|aws|core/(?!shared/))' },
    },
    {
      name: 'ports-over-shared-only',
      comment:
        'The ports are interfaces over the shared domain types: they import only handlers/core/shared.',
      severity: 'error',
      from: { path: '^handlers/ports/' },
      to: { path: '^handlers/(aws|core/(?!shared/))' },
    },
    {
      name: 'deployed-code-is-not-local',
      comment:
        'Deployed code holds nothing local: handlers never import the command line or the local engine.',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: '^(cli|infra|scripts)/' },
    },
    ...layerRules,
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
  },
};
