/**
 * `credsweep/cdk`: credsweep as a construct for your own CDK app.
 *
 * ```ts
 * import { Credsweep } from 'credsweep/cdk';
 * new Credsweep(stack, 'Credsweep', { approverEmails: ['security@example.com'], senderEmail: 'credsweep@example.com' });
 * ```
 *
 * docs/install.md explains the props, the outputs to add and the cdk-nag acknowledgements it carries.
 */
export { ConfigError } from './config.js';
export { Credsweep } from './credsweep.js';
export type { CredsweepProps } from './props.js';
