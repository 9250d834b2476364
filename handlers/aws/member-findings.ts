/** The account-access port of a function that reads and updates member accounts' findings (findings role). */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AccountAccessPort } from '../ports/organizations.js';
import { type AssumedCredentials, StsAccountAccess, sessionName, stsClient } from './account-access.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY } from './retry.js';
import { AwsSecurityHub } from './security-hub.js';

export const memberSecurityHubClient = (credentials: AssumedCredentials) =>
  new AwsSecurityHub(new SecurityHubClient({ ...DEFAULT_RETRY, credentials }));

export const memberFindingsAccess = (env: AwsEnv): AccountAccessPort =>
  new StsAccountAccess(stsClient(), env.MEMBER_ROLE_NAME, sessionName(), {
    securityHub: memberSecurityHubClient,
  });
