/**
 * The approver's side of a run over the wire, shared by the emulator scenarios (account and
 * organization runs): the approval link is read from the mail moto's SES accepted, the page is
 * fetched and the form posted through the approval API bundle with the REST API proxy events API
 * Gateway sends, as a browser would (hidden form token, one checkbox per credential).
 */
import type { MotoAccount } from './account.js';
import { restApiEvent, restApiShape } from './api-gateway.js';
import type { Deployment } from './deployment.js';
import type { Lambdas } from './lambdas.js';
import type { WorkflowResult } from './workflow.js';

export const decodeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export interface ApprovalForm {
  csrf: string;
  items: string[];
  labels: Record<string, string>;
}

/** The approval form as a browser sees it: the hidden token and each credential checkbox. */
export function parseForm(html: string): ApprovalForm {
  const csrf = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(html)?.[1];
  if (csrf === undefined) throw new Error(`the approval page has no form token:\n${html.slice(0, 2000)}`);
  const items: string[] = [];
  const labels: Record<string, string> = {};
  for (const m of html.matchAll(
    /<input type="checkbox" id="[^"]*" name="item" value="([^"]*)"[^>]*aria-label="([^"]*)"/g,
  )) {
    const value = decodeHtml(m[1] ?? '');
    items.push(value);
    labels[value] = decodeHtml(m[2] ?? '');
  }
  return { csrf: decodeHtml(csrf), items, labels };
}

/** What each function's environments wrote, the end of each (for a failure message). */
export const logsTail = (lambdas: Lambdas) =>
  lambdas
    .logs()
    .map((log) => `--- ${log.functionId}\n${log.text.slice(-1500)}`)
    .join('\n');

/** Polls moto's SES for the approval mail to `approver` sent after `since` mails; fails if the run ends first. */
export async function approvalLink(opts: {
  account: MotoAccount;
  approver: string;
  since: number;
  execution: Promise<WorkflowResult>;
  lambdas: Lambdas;
}): Promise<string> {
  let ended: WorkflowResult | undefined;
  void opts.execution.then((result) => {
    ended = result;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const mail = (await opts.account.sentMail()).slice(opts.since);
    const approval = mail.find(
      (m) => m.destinations.ToAddresses?.includes(opts.approver) && m.body.includes('/approvals/'),
    );
    if (approval) {
      const href = /href="(https:\/\/[^"]+\/approvals\/[^"]+)"/.exec(approval.body)?.[1];
      if (!href) throw new Error(`the approval mail has no link:\n${approval.body}`);
      return decodeHtml(href);
    }
    if (ended)
      throw new Error(
        `the run ended before any approval mail: ${JSON.stringify(ended)}\n${logsTail(opts.lambdas)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no approval mail within 60 s\n${logsTail(opts.lambdas)}`);
}

/**
 * Opens the approval link and posts the decision `decide` makes from the form, through the
 * approval API bundle; returns the page and the API's answer to the post.
 */
export async function answerApproval(opts: {
  deployment: Deployment;
  lambdas: Lambdas;
  link: string;
  decide: (form: ApprovalForm) => Record<string, string | string[]>;
}): Promise<{ page: string; decided: { statusCode: number; body: string } }> {
  const { lambdas, link } = opts;
  const shape = restApiShape(opts.deployment.template);
  const get = (await lambdas.invoke('ApprovalApi', restApiEvent(shape, { method: 'GET', url: link }))) as {
    statusCode: number;
    body: string;
  };
  if (get.statusCode !== 200) throw new Error(`the approval page answered ${get.statusCode}:\n${get.body}`);
  const form = parseForm(get.body);
  const body = new URLSearchParams();
  body.append('csrf', form.csrf);
  for (const [field, value] of Object.entries(opts.decide(form))) {
    for (const one of Array.isArray(value) ? value : [value]) body.append(field, one);
  }
  const decided = (await lambdas.invoke(
    'ApprovalApi',
    restApiEvent(shape, {
      method: 'POST',
      url: link,
      body: body.toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: new URL(link).origin,
        'Sec-Fetch-Site': 'same-origin',
      },
    }),
  )) as { statusCode: number; body: string };
  return { page: get.body, decided };
}
