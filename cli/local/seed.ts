/**
 * The seed format (docs/seed-format.md, every key with an example): the sandbox account's state,
 * read by `credsweep demo --seed FILE` and written by `--state-out FILE`.
 *
 * Dates are ISO 8601 with a zone (`Z` or `+hh:mm`); parsing normalizes them to
 * `Date.prototype.toISOString()` form so that a parsed seed compares equal to the sandbox's `toSeed()`.
 */
import { z } from 'zod';
import { CredsweepError } from '../../handlers/core/shared/errors.js';

/** IAM's user name pattern. */
export const USER_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** IAM's access key id constraints (AWS issues `AKIA` + 16 characters). */
export const ACCESS_KEY_ID_PATTERN = /^\w{16,128}$/;

const isoDate = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date with a zone, e.g. 2024-01-15T10:20:30Z' })
  .transform((value) => new Date(value).toISOString());

const accessKeySchema = z.strictObject({
  accessKeyId: z
    .string({ error: 'expected a string' })
    .regex(ACCESS_KEY_ID_PATTERN, { error: 'expected an access key id: 16 to 128 letters, digits or _' }),
  status: z.enum(['Active', 'Inactive'], { error: 'expected Active or Inactive' }),
  createdAt: isoDate,
  lastUsed: isoDate.nullable(),
});

const loginProfileSchema = z.strictObject({
  createdAt: isoDate,
  passwordLastUsed: isoDate.nullable(),
  passwordResetRequired: z.boolean({ error: 'expected true or false' }),
});

const userSchema = z.strictObject({
  userName: z
    .string({ error: 'expected a string' })
    .regex(USER_NAME_PATTERN, { error: 'expected 1 to 64 characters of letters, digits and +=,.@_-' }),
  createdAt: isoDate,
  tags: z.record(z.string(), z.string({ error: 'expected a string' })).optional(),
  loginProfile: loginProfileSchema.nullable(),
  /**
   * Only for a user without a login profile: the last sign-in of a password deleted since. IAM keeps
   * it as a user attribute (GetUser PasswordLastUsed, the report's password_last_used), so a password
   * created again later is judged on it (reset-recently).
   */
  passwordLastUsed: isoDate.nullable().optional(),
  accessKeys: z
    .array(accessKeySchema)
    .max(2, { error: 'expected at most 2 access keys (IAM allows 2 per user)' }),
});

const whole = (min: number, max: number) =>
  z
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int({ error: `expected a whole number from ${min} to ${max}` })
    .min(min, { error: `expected a whole number from ${min} to ${max} (IAM's range)` })
    .max(max, { error: `expected a whole number from ${min} to ${max} (IAM's range)` });
const flag = z.boolean({ error: 'expected true or false' });

/** IAM's PasswordPolicy, with IAM's field names and ranges (UpdateAccountPasswordPolicy). */
export const passwordPolicySchema = z.strictObject({
  MinimumPasswordLength: whole(6, 128).optional(),
  RequireSymbols: flag.optional(),
  RequireNumbers: flag.optional(),
  RequireUppercaseCharacters: flag.optional(),
  RequireLowercaseCharacters: flag.optional(),
  AllowUsersToChangePassword: flag.optional(),
  MaxPasswordAge: whole(1, 1095).optional(),
  PasswordReusePrevention: whole(1, 24).optional(),
  HardExpiry: flag.optional(),
});

const text = (max: number) =>
  z
    .string({ error: 'expected a string' })
    .min(1, { error: 'expected a non-empty string' })
    .max(max, { error: `expected at most ${max} characters` });

/**
 * A Security Hub finding in ASFF: the fields credsweep reads are checked, every other field is kept
 * as it is and written back by `--state-out`.
 */
const findingSchema = z.looseObject({
  Id: text(512),
  ProductArn: text(512),
  GeneratorId: text(512),
  AwsAccountId: z.string({ error: 'expected a string' }).regex(/^\d{12}$/, { error: 'expected 12 digits' }),
  Compliance: z
    .looseObject({
      Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'], {
        error: 'expected PASSED, WARNING, FAILED or NOT_AVAILABLE',
      }),
      SecurityControlId: text(64).optional(),
    })
    .optional(),
  Resources: z
    .array(z.looseObject({ Type: text(256), Id: text(512) }))
    .min(1, { error: 'expected at least one resource' }),
  Workflow: z
    .looseObject({
      Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'], {
        error: 'expected NEW, NOTIFIED, RESOLVED or SUPPRESSED',
      }),
    })
    .optional(),
  RecordState: z.enum(['ACTIVE', 'ARCHIVED'], { error: 'expected ACTIVE or ARCHIVED' }).optional(),
  Note: z.looseObject({ Text: text(512), UpdatedBy: text(512), UpdatedAt: isoDate.optional() }).optional(),
});

/** The fields of one account's state; an account seed adds its id, an organization's account more. */
const accountFields = {
  /** The account password policy; absent: none set, IAM's default policy applies. */
  passwordPolicy: passwordPolicySchema.optional(),
  users: z.array(userSchema),
};

/** IAM user names are unique regardless of case, access key ids are unique. */
function uniqueNamesAndKeys(seed: { users: z.output<typeof userSchema>[] }, ctx: z.RefinementCtx) {
  // IAM user names are unique regardless of case ("ADMIN" and "admin" cannot both exist).
  const userIndex = new Map<string, number>();
  const keyIndex = new Map<string, string>();
  seed.users.forEach((user, u) => {
    const folded = user.userName.toLowerCase();
    const first = userIndex.get(folded);
    if (first === undefined) {
      userIndex.set(folded, u);
    } else {
      ctx.addIssue({
        code: 'custom',
        path: ['users', u, 'userName'],
        message: `duplicate user name ${user.userName} (already users[${first}]; IAM names ignore case)`,
      });
    }
    user.accessKeys.forEach((key, k) => {
      const here = `users[${u}].accessKeys[${k}]`;
      const firstKey = keyIndex.get(key.accessKeyId);
      if (firstKey === undefined) {
        keyIndex.set(key.accessKeyId, here);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: ['users', u, 'accessKeys', k, 'accessKeyId'],
          message: `duplicate access key id ${key.accessKeyId} (already ${firstKey})`,
        });
      }
    });
  });
}

const accountIdSchema = z
  .string({ error: 'expected a string' })
  .regex(/^\d{12}$/, { error: 'expected 12 digits' });

/** Security Hub findings are unique by product and id. */
function uniqueFindings(
  seed: { securityHub?: { findings: z.output<typeof findingSchema>[] } | undefined },
  ctx: z.RefinementCtx,
) {
  const findingIndex = new Map<string, number>();
  seed.securityHub?.findings.forEach((finding, f) => {
    const key = `${finding.ProductArn} ${finding.Id}`;
    const first = findingIndex.get(key);
    if (first === undefined) findingIndex.set(key, f);
    else
      ctx.addIssue({
        code: 'custom',
        path: ['securityHub', 'findings', f, 'Id'],
        message: `duplicate finding ${finding.Id} (already securityHub.findings[${first}])`,
      });
  });
}

export const seedSchema = z
  .strictObject({
    accountId: accountIdSchema,
    ...accountFields,
    /** The account's Security Hub; absent means Security Hub is not enabled (not subscribed). */
    securityHub: z.strictObject({ findings: z.array(findingSchema) }).optional(),
  })
  .superRefine((seed, ctx) => {
    uniqueFindings(seed, ctx);
    uniqueNamesAndKeys(seed, ctx);
  });

/** One account of an organization seed: an account seed plus what Organizations says of it. */
const orgAccountSchema = z
  .strictObject({
    accountId: accountIdSchema,
    name: z.string({ error: 'expected a string' }).min(1).max(50),
    ou: z
      .string({ error: 'expected a string' })
      .regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, {
        error: 'expected an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)',
      }),
    status: z.enum(['ACTIVE', 'SUSPENDED'], { error: 'expected ACTIVE or SUSPENDED' }),
    /** false: the member role is missing, so assuming it is denied (AccessDenied, as STS answers). */
    memberRole: z.boolean({ error: 'expected true or false' }),
    ...accountFields,
    /** The account's own Security Hub, as in an account seed; absent: not enabled there. */
    securityHub: z.strictObject({ findings: z.array(findingSchema) }).optional(),
  })
  .superRefine((account, ctx) => {
    uniqueFindings(account, ctx);
    uniqueNamesAndKeys(account, ctx);
  });

/** `{"organization":{"managementAccountId","accounts":[…]}}` (docs/seed-format.md#an-organization-seed). */
export const organizationSeedSchema = z.strictObject({
  organization: z
    .strictObject({
      managementAccountId: accountIdSchema,
      accounts: z.array(orgAccountSchema).min(1, { error: 'expected at least one account' }),
    })
    .superRefine((org, ctx) => {
      const seen = new Map<string, number>();
      org.accounts.forEach((account, i) => {
        const first = seen.get(account.accountId);
        if (first === undefined) seen.set(account.accountId, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', i, 'accountId'],
            message: `duplicate account id ${account.accountId} (already accounts[${first}])`,
          });
      });
      if (!seen.has(org.managementAccountId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['managementAccountId'],
          message: `${org.managementAccountId} is not one of the accounts`,
        });
      }
    }),
});

export type Seed = z.output<typeof seedSchema>;
export type SeedUser = Seed['users'][number];
export type SeedAccessKey = SeedUser['accessKeys'][number];
export type SeedLoginProfile = NonNullable<SeedUser['loginProfile']>;
export type SeedFinding = NonNullable<Seed['securityHub']>['findings'][number];
export type OrganizationSeed = z.output<typeof organizationSeedSchema>;
export type OrgSeedAccount = OrganizationSeed['organization']['accounts'][number];
/** Either form of seed; `--state-out` writes back the form it was given. */
export type AnySeed = Seed | OrganizationSeed;

export const isOrganizationSeed = (seed: AnySeed): seed is OrganizationSeed => 'organization' in seed;

/** Where every key of both seed forms is described, with an example of each; the last line of a SeedError. */
export const SEED_FORMAT_DOC = 'docs/seed-format.md';

/**
 * A seed that does not validate; `issues` holds one `path: problem` line per problem, and the
 * message ends with where the format is described.
 */
export class SeedError extends CredsweepError {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(
      'SeedError',
      `${source}: invalid seed\n${issues.map((issue) => `  ${issue}`).join('\n')}\n` +
        `The seed format, every key with an example: ${SEED_FORMAT_DOC} (in the credsweep repository).`,
    );
  }
}

/** `users[3].accessKeys[0].status` from zod's `['users', 3, 'accessKeys', 0, 'status']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(root)';
}

/** Validate an already-parsed value as a seed; `source` names where it came from in errors. */
export function validateSeed(value: unknown, source: string): Seed {
  const result = seedSchema.safeParse(value);
  if (result.success) return result.data;
  throw new SeedError(
    source,
    result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  );
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SeedError(source, [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

/** Parse seed JSON text; errors name `source` (usually the file) and the path of each bad field. */
export function parseSeed(text: string, source: string): Seed {
  return validateSeed(parseJson(text, source), source);
}

/** Validate an organization seed; errors name the path, e.g. `organization.accounts[2].ou`. */
export function validateOrganizationSeed(value: unknown, source: string): OrganizationSeed {
  const result = organizationSeedSchema.safeParse(value);
  if (result.success) return result.data;
  throw new SeedError(
    source,
    result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  );
}

/** An account seed or an organization seed (one with a top-level `organization`). */
export function parseAnySeed(text: string, source: string): AnySeed {
  const value = parseJson(text, source);
  if (value !== null && typeof value === 'object' && 'organization' in value) {
    return validateOrganizationSeed(value, source);
  }
  return validateSeed(value, source);
}
