/**
 * `--auto-approve` / `--auto-reject`: a robot approver that uses the approval page exactly as a
 * person does (GET the mailed link, read the form, POST the decision), so no decision path is
 * reserved for the demo.
 */
import { KEEP_ACCOUNT_FIELD } from '../../handlers/core/approval/decision.js';

const decodeEntities = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _,
  );

/**
 * Decides as the approver of `link`. Returns `decided` when this decision decided the run (a
 * rejection, or the approval that reached the quorum), `counted` when more approvals are needed.
 * Approving ticks what the page offers ticked (after an earlier approval: what it approved), and
 * ticks "keep out" for each of `keepAccounts`, as a person keeping those accounts out would.
 */
export async function actAsApprover(
  link: string,
  action: 'approve' | 'reject',
  keepAccounts: readonly string[] = [],
): Promise<'decided' | 'counted'> {
  const page = await fetch(link);
  if (!page.ok) throw new Error(`approval page answered ${page.status} for the mailed link`);
  const html = await page.text();
  const csrf = /name="csrf"\s+value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('approval page has no form token');
  const form = new URLSearchParams({ csrf: decodeEntities(csrf), action });
  if (action === 'approve') {
    for (const m of html.matchAll(/<input type="checkbox"[^>]*>/g)) {
      const tag = m[0];
      const value = /name="item"\s+value="([^"]+)"/.exec(tag)?.[1];
      if (value !== undefined && / checked/.test(tag) && !/ disabled/.test(tag))
        form.append('item', decodeEntities(value));
    }
    for (const account of keepAccounts) form.append(KEEP_ACCOUNT_FIELD, account);
  } else {
    form.set('reason', 'Rejected by the demo (--auto-reject).');
  }
  const answer = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = await answer.text();
  if (!answer.ok) throw new Error(`approval POST answered ${answer.status}: ${body.slice(0, 200)}`);
  return body.includes('id="needed"') ? 'counted' : 'decided';
}
