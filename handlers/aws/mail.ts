/** MailPort over SES v2: one SendEmail per message, simple content with a text and an HTML part. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailMessage, MailPort } from '../ports/mail.js';
import type { PortPermissions } from './permission-types.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** What each MailPort method needs from SES (docs/aws-adapters.md). */
export const MAIL_PERMISSIONS = {
  send: { 'ses:SendEmail': 'mail-identity' },
} as const satisfies PortPermissions<MailPort>;

const CHARSET = 'UTF-8';

export class SesMail implements MailPort {
  /** @param sender the verified From address (SENDER_EMAIL). */
  constructor(
    private readonly ses: SESv2Client,
    private readonly sender: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    if (message.to.length === 0) throw new Error(`Mail "${message.subject}" has no recipient`);
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.sender,
        Destination: { ToAddresses: message.to },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: CHARSET },
            Body: {
              Text: { Data: message.text, Charset: CHARSET },
              Html: { Data: message.html, Charset: CHARSET },
            },
          },
        },
      }),
    );
  }
}

export const sesClient = memoize(() => new SESv2Client({ ...DEFAULT_RETRY }));

/** The mail port (SES, from the configured sender) of a Lambda that uses it. */
export const sesMailPort = (env: AwsEnv): MailPort => new SesMail(sesClient(), env.SENDER_EMAIL);
