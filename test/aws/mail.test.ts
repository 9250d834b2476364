import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesMail } from '../../handlers/aws/mail.js';

const sesMock = mockClient(SESv2Client);

describe('SesMail', () => {
  let mail: SesMail;

  beforeEach(() => {
    sesMock.reset();
    mail = new SesMail(new SESv2Client({ region: 'eu-west-1' }), 'credsweep@example.com');
  });

  afterEach(() => {
    sesMock.reset();
  });

  it('sends simple content with a text and an HTML part from the sender', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: {} });

    // Act
    await mail.send({
      to: ['sec1@example.com', 'sec2@example.com'],
      subject: 'Approve: 3 credentials',
      text: 'Open https://example.com/a',
      html: '<p>Open <a href="https://example.com/a">the approval page</a></p>',
    });

    // Assess
    expect(sesMock).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      FromEmailAddress: 'credsweep@example.com',
      Destination: { ToAddresses: ['sec1@example.com', 'sec2@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Approve: 3 credentials', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Open https://example.com/a', Charset: 'UTF-8' },
            Html: {
              Data: '<p>Open <a href="https://example.com/a">the approval page</a></p>',
              Charset: 'UTF-8',
            },
          },
        },
      },
    });
  });

  it('refuses a message without recipients and sends nothing', async () => {
    // Act
    const sending = mail.send({ to: [], subject: 'Summary', text: 't', html: '<p>t</p>' });

    // Assess
    await expect(sending).rejects.toThrow('Mail "Summary" has no recipient');
    expect(sesMock).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('lets SES errors through with their names', async () => {
    // Prepare
    sesMock
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));

    // Act
    const sending = mail.send({ to: ['a@example.com'], subject: 's', text: 't', html: 'h' });

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'MessageRejected' });
  });
});
