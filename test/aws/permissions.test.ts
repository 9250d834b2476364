/**
 * The single source of permissions (handlers/aws/permissions.ts): every deployed function's entry
 * is the module the stack bundles, and each declared method has its adapter's permissions.
 */
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_IDS,
  FUNCTIONS,
  functionGrants,
  grantsOf,
  requiredActions,
} from '../../handlers/aws/permissions.js';
import { use } from '../../handlers/aws/ports.js';
import { dynamoStorePort } from '../../handlers/aws/store.js';

describe('FUNCTIONS', () => {
  it('holds, for each deployed function, the AWS declaration its entry file exports', async () => {
    for (const id of FUNCTION_IDS) {
      const entry = (await import(`../../handlers/${FUNCTIONS[id].entry}`)) as {
        AWS: unknown;
        handler: unknown;
      };
      expect(entry.AWS, id).toBe(FUNCTIONS[id].aws);
      expect(typeof entry.handler, id).toBe('function');
    }
  });
});

describe('grantsOf', () => {
  it('lists each action of each declared method with the call that needs it', () => {
    const grants = grantsOf({ store: use(dynamoStorePort, 'markMailed', 'recordIntent') });
    expect(grants).toEqual([
      { action: 'dynamodb:UpdateItem', resource: 'approval-item', call: 'store.markMailed' },
      { action: 'dynamodb:PutItem', resource: 'ledger-item', call: 'store.recordIntent' },
      { action: 'dynamodb:GetItem', resource: 'ledger-item', call: 'store.recordIntent' },
    ]);
  });
});

describe('requiredActions', () => {
  it('lists the sorted actions of every deployed function, for checks of a deployed role', () => {
    const actions = requiredActions();
    expect(Object.keys(actions).sort()).toEqual([...FUNCTION_IDS].sort());
    // RequestApproval records that the mail went out (store.markMailed).
    expect(actions.RequestApproval).toContain('dynamodb:UpdateItem');
    for (const id of FUNCTION_IDS) {
      expect(actions[id]).toEqual([...new Set(functionGrants(id).map((g) => g.action))].sort());
    }
  });
});
