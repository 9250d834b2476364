import { describe, expect, it } from 'vitest';
import { sampleSeed } from '../../cli/local/sample-account.js';
import { formatPath, parseSeed, type Seed, SeedError, validateSeed } from '../../cli/local/seed.js';
import { largeAccountSeed } from '../helpers/large-account.js';

const KEY_A = 'AKIAIOSFODNN7EXAMPLE';
const KEY_B = 'AKIAI44QH8DHBEXAMPLE';

function validSeed(): Record<string, unknown> {
  return {
    accountId: '123456789012',
    users: [
      {
        userName: 'alice',
        createdAt: '2024-01-15T10:20:30Z',
        tags: { team: 'x' },
        loginProfile: {
          createdAt: '2024-01-15T10:20:30Z',
          passwordLastUsed: null,
          passwordResetRequired: false,
        },
        accessKeys: [
          { accessKeyId: KEY_A, status: 'Active', createdAt: '2024-02-01T00:00:00Z', lastUsed: null },
        ],
      },
      {
        userName: 'bob',
        createdAt: '2024-01-16T00:00:00+02:00',
        loginProfile: null,
        accessKeys: [
          {
            accessKeyId: KEY_B,
            status: 'Inactive',
            createdAt: '2024-03-01T00:00:00.5Z',
            lastUsed: '2024-03-02T00:00:00Z',
          },
        ],
      },
    ],
  };
}

/** The issues of the SeedError that parsing `value` throws. */
function issuesOf(value: unknown, source = 'seeds/test.json'): string[] {
  try {
    parseSeed(JSON.stringify(value), source);
  } catch (err) {
    expect(err).toBeInstanceOf(SeedError);
    return (err as SeedError).issues;
  }
  throw new Error('expected parseSeed to reject the seed');
}

function mutate(
  change: (seed: { users: Record<string, unknown>[] } & Record<string, unknown>) => void,
): unknown {
  const seed = validSeed() as { users: Record<string, unknown>[] } & Record<string, unknown>;
  change(seed);
  return seed;
}

describe('parseSeed', () => {
  it('parses the seed format (docs/seed-format.md) and normalizes dates to toISOString form', () => {
    const seed = parseSeed(JSON.stringify(validSeed()), 'seed.json');

    expect(seed.accountId).toBe('123456789012');
    expect(seed.users.map((u) => u.userName)).toEqual(['alice', 'bob']);
    expect(seed.users[0]?.tags).toEqual({ team: 'x' });
    expect(seed.users[1]?.tags).toBeUndefined();
    expect(seed.users[1]?.createdAt).toBe('2024-01-15T22:00:00.000Z');
    expect(seed.users[1]?.accessKeys[0]).toEqual({
      accessKeyId: KEY_B,
      status: 'Inactive',
      createdAt: '2024-03-01T00:00:00.500Z',
      lastUsed: '2024-03-02T00:00:00.000Z',
    });
  });

  it('names the file and the path of the bad field', () => {
    const value = mutate((seed) => {
      const bob = seed.users[1] as { accessKeys: Record<string, unknown>[] };
      (bob.accessKeys[0] as Record<string, unknown>).status = 'active';
    });

    let error: unknown;
    try {
      parseSeed(JSON.stringify(value), 'seeds/test.json');
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).name).toBe('SeedError');
    expect((error as SeedError).source).toBe('seeds/test.json');
    expect((error as SeedError).message).toContain('seeds/test.json');
    expect((error as SeedError).message).toContain(
      'users[1].accessKeys[0].status: expected Active or Inactive',
    );
  });

  it('lists every problem, one per path', () => {
    const issues = issuesOf(
      mutate((seed) => {
        seed.accountId = '12345';
        (seed.users[0] as Record<string, unknown>).createdAt = '2024-01-15';
        (seed.users[1] as Record<string, unknown>).loginProfile = {
          createdAt: 'yesterday',
          passwordLastUsed: null,
        };
      }),
    );

    expect(issues).toEqual([
      'accountId: expected 12 digits',
      'users[0].createdAt: expected an ISO 8601 date with a zone, e.g. 2024-01-15T10:20:30Z',
      'users[1].loginProfile.createdAt: expected an ISO 8601 date with a zone, e.g. 2024-01-15T10:20:30Z',
      'users[1].loginProfile.passwordResetRequired: expected true or false',
    ]);
  });

  it('reports text that is not JSON with the file name', () => {
    expect(() => parseSeed('{"accountId": ', 'broken.json')).toThrowError(
      /^broken\.json: invalid seed\n\s+not valid JSON/,
    );
  });

  it.each([
    ['a space', 'a b'],
    ['empty', ''],
    ['a slash', 'ops/alice'],
    ['65 characters', 'a'.repeat(65)],
    ['a non-ASCII letter', 'zoë'],
  ])('rejects a user name with %s', (_what, userName) => {
    const issues = issuesOf(mutate((seed) => Object.assign(seed.users[0] as object, { userName })));
    expect(issues).toEqual(['users[0].userName: expected 1 to 64 characters of letters, digits and +=,.@_-']);
  });

  it('accepts every character IAM allows in a user name, up to 64', () => {
    for (const userName of ['svc+etl=nightly,eu.ops@data_team-1', 'a'.repeat(64), 'A1']) {
      const value = mutate((seed) => Object.assign(seed.users[0] as object, { userName }));
      expect(parseSeed(JSON.stringify(value), 'x').users[0]?.userName).toBe(userName);
    }
  });

  it('rejects duplicate user names, ignoring case as IAM does', () => {
    const issues = issuesOf(mutate((seed) => Object.assign(seed.users[1] as object, { userName: 'ALICE' })));
    expect(issues).toEqual([
      'users[1].userName: duplicate user name ALICE (already users[0]; IAM names ignore case)',
    ]);
  });

  it('rejects an access key id used twice, across users', () => {
    const issues = issuesOf(
      mutate((seed) => {
        const bob = seed.users[1] as { accessKeys: Record<string, unknown>[] };
        (bob.accessKeys[0] as Record<string, unknown>).accessKeyId = KEY_A;
      }),
    );
    expect(issues).toEqual([
      `users[1].accessKeys[0].accessKeyId: duplicate access key id ${KEY_A} (already users[0].accessKeys[0])`,
    ]);
  });

  it('rejects more than two access keys', () => {
    const key = (id: string) => ({
      accessKeyId: id,
      status: 'Active',
      createdAt: '2024-01-01T00:00:00Z',
      lastUsed: null,
    });
    const issues = issuesOf(
      mutate((seed) =>
        Object.assign(seed.users[1] as object, {
          accessKeys: [key('AKIA0000000000000001'), key('AKIA0000000000000002'), key('AKIA0000000000000003')],
        }),
      ),
    );
    expect(issues).toEqual(['users[1].accessKeys: expected at most 2 access keys (IAM allows 2 per user)']);
  });

  it('rejects a malformed access key id, a date without a zone and a non-string tag', () => {
    const issues = issuesOf(
      mutate((seed) => {
        const alice = seed.users[0] as {
          accessKeys: Record<string, unknown>[];
          tags: Record<string, unknown>;
        };
        Object.assign(alice.accessKeys[0] as object, {
          accessKeyId: 'AKIA-SHORT',
          lastUsed: '2024-02-01T00:00:00',
        });
        alice.tags['cost center'] = 12;
      }),
    );
    expect(issues).toEqual([
      'users[0].tags["cost center"]: expected a string',
      'users[0].accessKeys[0].accessKeyId: expected an access key id: 16 to 128 letters, digits or _',
      'users[0].accessKeys[0].lastUsed: expected an ISO 8601 date with a zone, e.g. 2024-01-15T10:20:30Z',
    ]);
  });

  it('requires loginProfile (null for no password) and rejects unknown fields', () => {
    const issues = issuesOf(
      mutate((seed) => {
        const bob = seed.users[1] as Record<string, unknown>;
        delete bob.loginProfile;
        bob.mfa = true;
      }),
    );
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^users\[1\]\.loginProfile: /);
    expect(issues[1]).toBe('users[1]: Unrecognized key: "mfa"');
  });

  it("accepts a passwordPolicy with IAM's field names and refuses values outside IAM's ranges", () => {
    const policy = {
      MinimumPasswordLength: 128,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    };
    expect(validateSeed({ ...validSeed(), passwordPolicy: policy }, 'seed').passwordPolicy).toEqual(policy);

    const bad = {
      ...validSeed(),
      passwordPolicy: { MinimumPasswordLength: 129, RequireSymbols: 'yes', minimumPasswordLength: 10 },
    };
    const error = (() => {
      try {
        validateSeed(bad, 'seed.json');
      } catch (err) {
        return err as SeedError;
      }
      throw new Error('the seed was accepted');
    })();
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^passwordPolicy\.MinimumPasswordLength: expected a whole number from 6 to 128/,
        ),
        'passwordPolicy.RequireSymbols: expected true or false',
        expect.stringContaining('minimumPasswordLength'),
      ]),
    );
  });

  it('validates an already-parsed value the same way', () => {
    const seed: Seed = validateSeed(validSeed(), 'inline');
    expect(seed.users).toHaveLength(2);
    expect(() => validateSeed({ accountId: '123456789012' }, 'inline')).toThrowError(
      /^inline: invalid seed\n\s+users: /,
    );
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and quotes keys that are not identifiers', () => {
    expect(formatPath(['users', 3, 'accessKeys', 0, 'status'])).toBe('users[3].accessKeys[0].status');
    expect(formatPath(['users', 0, 'tags', 'credsweep:exempt'])).toBe('users[0].tags["credsweep:exempt"]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('built-in seeds', () => {
  it('the sample account is a valid seed', () => {
    const seed = sampleSeed(new Date('2025-06-01T12:00:00Z'));
    expect(validateSeed(seed, 'sample')).toEqual(seed);
  });

  it('a large account of 5,000 users is a valid seed', () => {
    const seed = largeAccountSeed({ users: 5000, staleFraction: 0.3, now: new Date('2025-06-01T12:00:00Z') });
    expect(validateSeed(seed, 'large')).toEqual(seed);
  });
});
