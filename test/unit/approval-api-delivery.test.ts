/**
 * No lost decision (issue 23) at the AWS boundary: Step Functions' SendTaskSuccess, mocked with
 * aws-sdk-client-mock, refuses (AccessDenied) or throttles; the decision stays recorded, the
 * approver gets a 503 "try again" page, and their retry hands the same decision over once.
 */
import { SendTaskSuccessCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalApi } from '../../handlers/approval-api.js';
import { SfnTaskCallbacks } from '../../handlers/aws/task-callbacks.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
import type { Ports } from '../../handlers/ports/index.js';
import { requestApproval } from '../../handlers/request-approval.js';
import {
  apiEvent,
  csrfIn,
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
} from '../helpers/memory-ports.js';

const sfnMock = mockClient(SFNClient);
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSECRET-TASK-TOKEN';
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);

const sfnError = (name: string) =>
  new SFNServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

let memory: MemoryPorts;
let ports: Ports;
let links: string[];
let itemIds: string[];

beforeEach(async () => {
  sfnMock.reset();
  memory = memoryPorts({ approvalsRequired: 2 });
  // The real adapter over a mocked client; one attempt, so the SDK's own retries do not hide the failure.
  ports = {
    ...memory,
    callbacks: new SfnTaskCallbacks(new SFNClient({ region: 'eu-west-1', maxAttempts: 1 })),
  };
  itemIds = (await putPlan(memory)).items.map((item) => item.id);
  await requestApproval({ taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY }, memory);
  links = memory.mail.sent.map((mail) => linksIn(mail)[0] ?? '');
});

afterEach(() => {
  sfnMock.reset();
});

const call = (method: string, url: string, form?: [string, string][]) =>
  approvalApi(apiEvent(method, url, form ? { form } : {}), ports);

async function approveAll(link: string) {
  const page = await call('GET', link);
  return call('POST', link, [
    ['csrf', csrfIn(page.body)],
    ['action', 'approve'],
    ...itemIds.map((id): [string, string] => ['item', id]),
  ]);
}

describe('a decision SendTaskSuccess could not deliver', () => {
  for (const name of ['AccessDeniedException', 'ThrottlingException']) {
    it(`${name}: 503 "try again" for the approver who reached the quorum, and one delivery on retry`, async () => {
      // Prepare
      const [alma = '', bo = ''] = links;
      sfnMock.on(SendTaskSuccessCommand).rejectsOnce(sfnError(name)).resolves({ $metadata: {} });
      await approveAll(alma);

      // Act
      const failed = await approveAll(bo);
      const almaSees = await call('GET', alma);
      const retry = await call('POST', bo, [
        ['csrf', csrfIn(failed.body)],
        ['action', 'retry'],
      ]);
      const afterwards = await call('POST', bo, [
        ['csrf', csrfIn(failed.body)],
        ['action', 'retry'],
      ]);

      // Assess
      expect(failed.statusCode).toBe(503);
      expect(failed.body).toContain('Decision recorded: try again');
      expect(almaSees.statusCode).toBe(409);
      expect(retry.statusCode).toBe(200);
      expect(retry.body).toContain('Approved: 4 credentials will be disabled.');
      expect(afterwards.statusCode).toBe(409);
      expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 2);
      const [first, second] = sfnMock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input.output);
      expect(second).toBe(first);
      expect(JSON.parse(second ?? '{}')).toMatchObject({
        decision: 'approved',
        approver: 'alice.sec@example.com, bob.sec@example.com',
        approvedCount: 4,
      });
      const stored = await memory.store.getApproval(APPROVAL_ID);
      expect(stored?.approvals).toHaveLength(2);
      expect(stored?.deliveredAt).toBeDefined();
    });
  }
});
