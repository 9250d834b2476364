/** The account-access port of a function that changes or reads member accounts' IAM (member role). */
import { IAMClient } from '@aws-sdk/client-iam';
import type { AccountAccessPort } from '../ports/organizations.js';
import { type AssumedCredentials, StsAccountAccess, sessionName, stsClient } from './account-access.js';
import { AwsIam } from './iam.js';
import type { AwsEnv } from './ports.js';
import { IAM_RETRY } from './retry.js';

export const memberIamClient = (credentials: AssumedCredentials) =>
  new AwsIam(new IAMClient({ ...IAM_RETRY, credentials }));

export const memberIamAccess = (env: AwsEnv): AccountAccessPort =>
  new StsAccountAccess(stsClient(), env.MEMBER_ROLE_NAME, sessionName(), { iam: memberIamClient });
