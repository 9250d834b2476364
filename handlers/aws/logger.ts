/**
 * The one Powertools Logger of the Lambda code (service `credsweep`; level from POWERTOOLS_LOG_LEVEL).
 *
 * Never pass it a secret: Step Functions task tokens, passwords (restored console passwords),
 * approval-link secrets or the signing key. Log names, ids and ARNs that reference them instead.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'credsweep' });
