/** Outgoing mail. AWS: SES v2 (handlers/aws/mail.ts); local: the outbox directory. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface MailPort {
  send(message: MailMessage): Promise<void>;
}
