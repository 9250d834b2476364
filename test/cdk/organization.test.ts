/** `-c organization=true`: the member role StackSet, the hub's own member role, the org state machine. */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_IDS, memberGrants, memberRoleUsers } from '../../handlers/aws/permissions.js';
import { ConfigError, parseConfig } from '../../infra/config.js';
import { memberExemptPolicies, memberPermissions, memberRoleTemplate } from '../../infra/member-role.js';
import { type Built, buildStack, prop, REQUIRED_CONTEXT, resourcesOf } from './synth.js';

const ORG = {
  organization: 'true',
  organizationId: 'o-a1b2c3d4e5',
  memberOus: 'ou-a1b2-workload1,ou-a1b2-sandbox01',
};

type Doc = {
  Statement: {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Condition?: unknown;
    Principal?: unknown;
    Resource?: unknown;
  }[];
};

const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('organization deployment', () => {
  let built: Built;
  let single: Built;

  beforeAll(() => {
    built = buildStack({ ...ORG, exemptUsers: 'breakglass', securityHubActions: 'true' }, { bundle: false });
    single = buildStack({ securityHubActions: 'true' }, { bundle: false });
  }, 300_000);

  it('carries a service-managed StackSet with automatic deployment to the named OUs, in the hub Region', () => {
    const sets = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'));
    expect(sets).toHaveLength(1);
    const set = sets[0];
    expect(prop(set, 'PermissionModel')).toBe('SERVICE_MANAGED');
    expect(prop(set, 'AutoDeployment')).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(prop(set, 'CallAs')).toBe('SELF');
    expect(prop(set, 'Capabilities')).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(prop(set, 'StackInstancesGroup')).toEqual([
      {
        DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-workload1', 'ou-a1b2-sandbox01'] },
        Regions: [{ Ref: 'AWS::Region' }],
      },
    ]);
  });

  it('targets the root when no OU is named, as a delegated administrator when told so', {
    timeout: 300_000,
  }, () => {
    const { template } = buildStack(
      {
        organization: 'true',
        organizationId: 'o-a1b2c3d4e5',
        organizationRootId: 'r-a1b2',
        delegatedAdmin: 'true',
      },
      { bundle: false },
    );
    const set = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet'))[0];
    expect(prop(set, 'CallAs')).toBe('DELEGATED_ADMIN');
    // A delegated-administrator hub is a member account inside the root: the StackSet leaves the
    // hub's own account out, so the hub has one credsweep-member role, the stack's.
    expect(prop<{ DeploymentTargets: unknown }[]>(set, 'StackInstancesGroup')[0]?.DeploymentTargets).toEqual({
      OrganizationalUnitIds: ['r-a1b2'],
      Accounts: [{ Ref: 'AWS::AccountId' }],
      AccountFilterType: 'DIFFERENCE',
    });
    const named = Object.values(resourcesOf(template, 'AWS::IAM::Role')).filter(
      (r) => r.Properties?.RoleName === 'credsweep-member',
    );
    expect(named).toHaveLength(1);
    // The management account is never a StackSet target: there the hub's role needs no exclusion.
    const own = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'))[0];
    expect(
      prop<{ DeploymentTargets: Record<string, unknown> }[]>(own, 'StackInstancesGroup')[0]
        ?.DeploymentTargets,
    ).not.toHaveProperty('AccountFilterType');
  });

  it('fails the deploy when more than a tenth of the accounts get no member role, without slowing the rest', () => {
    const set = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'))[0];
    expect(prop(set, 'OperationPreferences')).toEqual({
      FailureTolerancePercentage: 10,
      MaxConcurrentPercentage: 25,
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      RegionConcurrencyType: 'PARALLEL',
    });
  });

  it('deploys a member role trusted only by the hub’s account tasks of this organization, with the exempt Deny', () => {
    const set = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'))[0];
    // The template body is built at deploy time from the hub's role ARNs: resolve it as a JSON text.
    const body = JSON.stringify(prop(set, 'TemplateBody'));
    expect(body).toContain('AWS::IAM::Role');
    expect(body).toContain('credsweep-member');
    expect(body).toContain('aws:PrincipalOrgID');
    expect(body).toContain('o-a1b2c3d4e5');
    expect(body).toContain('iam:ResourceTag/credsweep:exempt');
    expect(body).toContain('DenyChangesToExemptUserNames');
    // The hub account's own member role: the same policy.
    const roles = resourcesOf(built.template, 'AWS::IAM::Role');
    const hub = Object.values(roles).find((r) => r.Properties?.RoleName === 'credsweep-member');
    const trust = prop<Doc>(hub, 'AssumeRolePolicyDocument').Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
    const principals = (trust[0]?.Principal as { AWS: unknown[] } | undefined)?.AWS;
    expect(principals).toHaveLength(7);
    const policy = prop<{ PolicyDocument: Doc }[]>(hub, 'Policies')[0]?.PolicyDocument.Statement ?? [];
    const allowed = policy
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actions)
      .sort();
    expect(allowed).toEqual(
      [
        'iam:CreateLoginProfile',
        'iam:DeleteAccessKey',
        'iam:DeleteLoginProfile',
        'iam:GenerateCredentialReport',
        'iam:GetAccessKeyLastUsed',
        'iam:GetAccountPasswordPolicy',
        'iam:GetCredentialReport',
        'iam:GetLoginProfile',
        'iam:GetUser',
        'iam:ListAccessKeys',
        'iam:UpdateAccessKey',
        'iam:UpdateLoginProfile',
      ].sort(),
    );
    // Derived from the single source, not listed by hand: the iam calls of the member-side tasks.
    expect(allowed).toEqual(
      [...new Set(memberGrants().map((g) => g.action))].filter((a) => a.startsWith('iam:')).sort(),
    );
    const deny = policy.find((s) => s.Sid === 'DenyChangesToExemptUsers');
    expect(deny?.Effect).toBe('Deny');
    expect(actions(deny ?? { Action: [] }).sort()).toEqual([
      'iam:CreateLoginProfile',
      'iam:DeleteAccessKey',
      'iam:DeleteLoginProfile',
      'iam:UpdateAccessKey',
      'iam:UpdateLoginProfile',
    ]);
    const breakGlass = policy.find((s) => s.Sid === 'DenyChangesToBreakGlassUsers');
    expect(breakGlass?.Effect).toBe('Deny');
    expect(breakGlass?.Condition).toEqual({
      Null: { 'iam:ResourceTag/credsweep:break-glass': 'false' },
      StringNotEqualsIgnoreCase: { 'iam:ResourceTag/credsweep:break-glass': ['false', ''] },
    });
  });

  it('lets the member role delete a key for the delete stage, but never an exempt or break-glass user’s (IAM policy simulator)', async () => {
    // The member role's policy as the StackSet deploys it, in one member account.
    const account = '111122223333';
    const options = {
      trustedRoleArns: [],
      organizationId: ORG.organizationId,
      exemptTagKey: 'credsweep:exempt',
      exemptUsers: ['breakglass'],
      userArnPrefix: `arn:aws:iam::${account}:user/`,
    };
    const policies = [memberPermissions(options), ...memberExemptPolicies(options)].map((doc, i) => ({
      name: `credsweep-member-${i}`,
      policy: doc.toJSON(),
    }));
    const decide = async (userName: string, tags: Record<string, string> = {}) => {
      const response = await runSimulation(
        {
          identityPolicies: policies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            action: 'iam:DeleteAccessKey',
            principal: `arn:aws:iam::${account}:role/credsweep-member`,
            resource: { accountId: account, resource: `arn:aws:iam::${account}:user/${userName}` },
            contextVariables: Object.fromEntries(
              Object.entries(tags).map(([k, v]) => [`iam:ResourceTag/${k}`, v]),
            ),
          },
        } as never,
        {},
      );
      return response.resultType === 'error' ? JSON.stringify(response.errors) : response.overallResult;
    };
    expect(await decide('nora', { team: 'data' })).toBe('Allowed');
    expect(await decide('fay', { 'credsweep:exempt': 'TRUE' })).toBe('ExplicitlyDenied');
    expect(await decide('bg', { 'credsweep:break-glass': 'true' })).toBe('ExplicitlyDenied');
    expect(await decide('breakglass')).toBe('ExplicitlyDenied');
  });

  it('lets exactly the functions that declare accounts.iamFor assume the member role, of this organization only', () => {
    const policies = resourcesOf(built.template, 'AWS::IAM::Policy');
    const assuming = Object.entries(policies)
      .filter(([, p]) => prop<Doc>(p, 'PolicyDocument').Statement.some((s) => s.Sid === 'AssumeMemberRole'))
      .map(([id]) => [...FUNCTION_IDS].sort((a, b) => b.length - a.length).find((f) => id.startsWith(f)))
      .sort();
    expect(assuming).toEqual(memberRoleUsers('iamFor').sort());
    expect(assuming).toEqual([
      'Analyze',
      'Backout',
      'DeactivateKeys',
      'DeleteKeys',
      'DisableConsole',
      'GenerateReport',
      'Verify',
    ]);
    for (const [, p] of Object.entries(policies)) {
      const s = prop<Doc>(p, 'PolicyDocument').Statement.find((x) => x.Sid === 'AssumeMemberRole');
      if (s) expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
    }
    // Every function knows the member role and the organization's limit.
    for (const fn of Object.values(resourcesOf(built.template, 'AWS::Lambda::Function'))) {
      const env = prop<{ Variables?: Record<string, unknown> }>(fn, 'Environment').Variables ?? {};
      if (!env.TABLE_NAME) continue; // CDK's own helper functions
      expect(env).toMatchObject({
        MEMBER_ROLE_NAME: 'credsweep-member',
        ORGANIZATION_ID: 'o-a1b2c3d4e5',
        MAX_CREDENTIALS_TOTAL: '500',
      });
    }
  });

  it('adds the organization state machine with Distributed Maps that may start their own child executions', () => {
    const machines = resourcesOf(built.template, 'AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(2);
    const org = Object.entries(machines).find(([id]) => id.startsWith('OrganizationStateMachine'))?.[1];
    const definition = JSON.stringify(prop(org, 'DefinitionString'));
    expect(definition).toContain('\\"Mode\\": \\"DISTRIBUTED\\"');
    const policies = resourcesOf(built.template, 'AWS::IAM::Policy');
    const own = Object.entries(policies).find(([id]) => id.startsWith('OrganizationStateMachineRole'))?.[1];
    const statements = prop<Doc>(own, 'PolicyDocument').Statement;
    expect(statements.find((s) => s.Sid === 'StartChildExecutions')).toBeDefined();
    const follow = statements.find((s) => s.Sid === 'FollowChildExecutions') ?? { Action: [], Resource: [] };
    // Describe and stop its children, and redrive them when a run that failed half-way is redriven.
    expect(actions(follow)).toEqual([
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StopExecution',
    ]);
    // Both ARN forms of a child execution, of this state machine only.
    const resources = JSON.stringify(follow.Resource);
    expect(resources).toContain(':execution:');
    expect(resources).toContain('credsweep-organization');
    expect(resources).toContain('"/*"');
    expect(resources).toContain('":*"');
    expect((follow.Resource as unknown[]).length).toBe(2);
  });

  it('alarms on failed, timed-out and aborted runs of both state machines, to one topic', () => {
    const alarms = Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Alarm'));
    const of = (machine: string) =>
      alarms
        .filter((a) => JSON.stringify(a.Properties?.Dimensions).includes(`"Ref":"${machine}`))
        .map((a) => a.Properties?.MetricName)
        .sort();
    const all = ['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut'];
    expect(of('StateMachine')).toEqual(all);
    expect(of('OrganizationStateMachine')).toEqual(all);
    const topics = new Set(alarms.map((a) => JSON.stringify(a.Properties?.AlarmActions)));
    expect(topics.size).toBe(1);
  });

  it('leaves a single-account deployment as it was: no StackSet, no member role, one state machine', () => {
    expect(resourcesOf(single.template, 'AWS::CloudFormation::StackSet')).toEqual({});
    expect(Object.keys(resourcesOf(single.template, 'AWS::StepFunctions::StateMachine'))).toHaveLength(1);
    const roles = Object.values(resourcesOf(single.template, 'AWS::IAM::Role'));
    expect(roles.filter((r) => r.Properties?.RoleName === 'credsweep-member')).toEqual([]);
    const text = JSON.stringify(single.template.toJSON());
    expect(text).not.toContain('AssumeMemberRole');
    expect(text).not.toContain('organizations:');
  });

  it('names what an organization deployment is missing', () => {
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, organization: 'true' })).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: [
          expect.stringMatching(/^organizationId is required with organization=true/),
          expect.stringMatching(/^organization=true deploys the member role to memberOus, or to the root/),
        ],
      }),
    );
    const workloads = () =>
      parseConfig({
        ...REQUIRED_CONTEXT,
        organization: 'true',
        organizationId: 'o-a1b2c3d4e5',
        memberOus: 'workloads',
      });
    expect(workloads).toThrow(ConfigError);
    expect(workloads).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: ['memberOus entry "workloads" is not an OU id (ou-…)'],
      }),
    );
  });

  it('deploys, next to the member role, a findings role with only GetFindings and BatchUpdateFindings, trusted only by the functions that follow findings', () => {
    const set = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'))[0];
    const body = JSON.stringify(prop(set, 'TemplateBody'));
    expect(body).toContain('credsweep-member-findings');
    expect(body).toContain('securityhub:BatchUpdateFindings');
    // The template's structure, with placeholder role ARNs for the hub's functions.
    const template = memberRoleTemplate({
      trustedRoleArns: ['arn:aws:iam::111111111111:role/analyze'],
      findingsTrustedRoleArns: ['arn:aws:iam::111111111111:role/report'],
      organizationId: 'o-a1b2c3d4e5',
      exemptTagKey: 'credsweep:exempt',
      exemptUsers: [],
    }) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    const findings = template.Resources.MemberFindingsRole?.Properties ?? {};
    expect(findings.RoleName).toBe('credsweep-member-findings');
    const trust = (findings.AssumeRolePolicyDocument as Doc).Statement;
    expect(trust.map((x) => x.Principal)).toEqual([{ AWS: 'arn:aws:iam::111111111111:role/report' }]);
    const policy = (findings.Policies as { PolicyDocument: Doc }[])[0]?.PolicyDocument.Statement ?? [];
    expect(policy.map((x) => [x.Effect, actions(x).sort(), x.Resource])).toEqual([
      [
        'Allow',
        ['securityhub:BatchUpdateFindings', 'securityhub:GetFindings'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub placeholders
        { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default' },
      ],
    ]);
    // The member role itself stays IAM only.
    const member = template.Resources.MemberRole?.Properties ?? {};
    const memberActions = (member.Policies as { PolicyDocument: Doc }[])[0]?.PolicyDocument.Statement.flatMap(
      actions,
    );
    expect(memberActions?.some((a) => a.startsWith('securityhub:'))).toBe(false);
    // Who may assume it: exactly the functions that declare accounts.securityHubFor, of this organization.
    const policies = resourcesOf(built.template, 'AWS::IAM::Policy');
    const assuming = Object.entries(policies)
      .filter(([, p]) =>
        prop<Doc>(p, 'PolicyDocument').Statement.some((x) => x.Sid === 'AssumeMemberFindingsRole'),
      )
      .map(([id]) => [...FUNCTION_IDS].sort((a, b) => b.length - a.length).find((f) => id.startsWith(f)))
      .sort();
    expect(assuming).toEqual(['OrgReport', 'Report', 'RequestApproval']);
    expect(assuming).toEqual(memberRoleUsers('securityHubFor').sort());
    for (const [, p] of Object.entries(policies)) {
      const x = prop<Doc>(p, 'PolicyDocument').Statement.find((y) => y.Sid === 'AssumeMemberFindingsRole');
      if (x) expect(x.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
    }
  });

  it('with securityHubAdministrator, updates findings through the hub: no findings role, nobody assumes one, the functions are told', {
    timeout: 300_000,
  }, () => {
    const { template } = buildStack({ ...ORG, securityHubAdministrator: 'true' }, { bundle: false });
    const set = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet'))[0];
    const body = JSON.stringify(prop(set, 'TemplateBody'));
    expect(body).not.toContain('credsweep-member-findings');
    expect(body).not.toContain('securityhub:');
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (p) => prop<Doc>(p, 'PolicyDocument').Statement,
    );
    expect(statements.some((x) => x.Sid === 'AssumeMemberFindingsRole')).toBe(false);
    expect(statements.some((x) => x.Sid === 'AssumeMemberRole')).toBe(true);
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const env = prop<{ Variables?: Record<string, unknown> }>(fn, 'Environment').Variables ?? {};
      if (env.TABLE_NAME) expect(env.SECURITY_HUB_ADMINISTRATOR).toBe('true');
    }
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, securityHubAdministrator: 'true' })).toThrow(
      /securityHubAdministrator applies to organization deployments/,
    );
  });

  it('lets the start function start each workflow on its own grant: the remediation one, and the organization one only here', () => {
    const startGrants = (template: Built['template']) => {
      const policies = resourcesOf(template, 'AWS::IAM::Policy');
      const own = Object.entries(policies).find(([id]) => id.startsWith('SecurityHubStart'))?.[1];
      return prop<Doc>(own, 'PolicyDocument')
        .Statement.filter((x) => actions(x).includes('states:StartExecution'))
        .map((x) => [x.Sid, JSON.stringify(x.Resource)]);
    };
    const org = startGrants(built.template);
    expect(org.map(([sid]) => sid)).toEqual(['StartRemediationRuns', 'StartOrganizationRuns']);
    expect(org[0]?.[1]).toMatch(/"Ref":"StateMachine[0-9A-F]+"/);
    expect(org[1]?.[1]).toMatch(/"Ref":"OrganizationStateMachine[0-9A-F]+"/);
    const alone = startGrants(single.template);
    expect(alone.map(([sid]) => sid)).toEqual(['StartRemediationRuns']);
    // In the organization deployment, the auto-start takes members' findings too (no AwsAccountId filter).
    const fn = Object.values(resourcesOf(built.template, 'AWS::Lambda::Function')).find(
      (f) => prop<{ Variables?: Record<string, unknown> }>(f, 'Environment').Variables?.STATE_MACHINE_ARN,
    );
    const env = prop<{ Variables: Record<string, unknown> }>(fn, 'Environment').Variables;
    expect(JSON.stringify(env.ORGANIZATION_STATE_MACHINE_ARN)).toMatch(/OrganizationStateMachine/);
  });
});
