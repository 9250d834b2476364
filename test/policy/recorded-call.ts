export interface RecordedCall {
  functionId: string; // construct id of the calling function: 'GenerateReport' | 'Analyze' | 'RequestApproval' | 'DisableConsole' | 'DeactivateKeys' | 'Verify' | 'Backout' | 'Report' | 'ApprovalApi'
  action: string; // e.g. 'iam:GetUser', 'dynamodb:UpdateItem', 's3:GetObject', 'ses:SendEmail', 'states:SendTaskSuccess'
  resource: string; // the request's resource ARN (test partition aws, account 123456789012 unless perm's test/policy exports other constants — use them)
  context: Record<string, string | string[]>;
}
