import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, SfnTaskCallbacks } from '../../handlers/aws/task-callbacks.js';

const sfnMock = mockClient(SFNClient);
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAexampletoken';

describe('SfnTaskCallbacks', () => {
  let callbacks: SfnTaskCallbacks;

  beforeEach(() => {
    sfnMock.reset();
    callbacks = new SfnTaskCallbacks(new SFNClient({ region: 'eu-west-1' }));
  });

  afterEach(() => {
    sfnMock.reset();
  });

  it('sends success with the output as a JSON string', async () => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).resolves({ $metadata: {} });

    // Act
    await callbacks.sendSuccess(TOKEN, { decision: 'approved', selection: ['item-1', 'item-2'] });

    // Assess
    expect(sfnMock).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: '{"decision":"approved","selection":["item-1","item-2"]}',
    });
  });

  it('sends null when the output is undefined', async () => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).resolves({ $metadata: {} });

    // Act
    await callbacks.sendSuccess(TOKEN, undefined);

    // Assess
    expect(sfnMock).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: 'null',
    });
  });

  it('sends failure with the error and the cause', async () => {
    // Prepare
    sfnMock.on(SendTaskFailureCommand).resolves({ $metadata: {} });

    // Act
    await callbacks.sendFailure(TOKEN, 'Rejected', 'sec@example.com rejected: not during the freeze');

    // Assess
    expect(sfnMock).toHaveReceivedCommandExactlyOnceWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'Rejected',
      cause: 'sec@example.com rejected: not during the freeze',
    });
  });

  it("cuts error and cause to Step Functions' limits", async () => {
    // Prepare
    sfnMock.on(SendTaskFailureCommand).resolves({ $metadata: {} });

    // Act
    await callbacks.sendFailure(TOKEN, 'E'.repeat(300), 'c'.repeat(40_000));

    // Assess
    expect(sfnMock).toHaveReceivedCommandExactlyOnceWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'E'.repeat(MAX_ERROR_LENGTH),
      cause: 'c'.repeat(MAX_CAUSE_LENGTH),
    });
  });

  it('lets TaskTimedOut through with its name', async () => {
    // Prepare
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    // Act
    const sending = callbacks.sendSuccess(TOKEN, { decision: 'approved' });

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });
});
