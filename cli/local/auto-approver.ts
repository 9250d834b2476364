/**
 * `--auto-approve` / `--auto-reject`: a robot approver that uses the approval page exactly as a
 * person does (GET the mailed link, read the form, POST the decision), so no decision path is
 * reserved for the demo.
 */
const decodeEntities = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _,
  );

export async function actAsApprover(link: string, action: 'approve' | 'reject'): Promise<void> {
  const page = await fetch(link);
  if (!page.ok) throw new Error(`approval page answered ${page.status} for the mailed link`);
  const html = await page.text();
  const csrf = /name="csrf"\s+value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('approval page has no form token');
  const form = new URLSearchParams({ csrf: decodeEntities(csrf), action });
  if (action === 'approve') {
    for (const m of html.matchAll(/name="item"\s+value="([^"]+)"/g))
      form.append('item', decodeEntities(m[1] ?? ''));
  } else {
    form.set('reason', 'Rejected by the demo (--auto-reject).');
  }
  const answer = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (!answer.ok)
    throw new Error(`approval POST answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
}
