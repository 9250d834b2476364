/** Escaping for every page and mail credsweep renders: one rule, used by the approval mail and page and the evidence. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Control characters (except TAB, LF, CR) and bidirectional marks/overrides, which can disguise text. */
function isUnsafe(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const LINE_BREAKS = /[\t\r\n]+/g;

/** Text with unsafe characters replaced by U+FFFD; `multiline` keeps line breaks. */
export function clean(value: unknown, multiline = false): string {
  let text = '';
  for (const char of String(value ?? '')) text += isUnsafe(char.codePointAt(0) ?? 0) ? '\uFFFD' : char;
  return multiline ? text.replace(/\r\n?/g, '\n') : text.replace(LINE_BREAKS, ' ');
}

/** HTML-escapes a value for element content and quoted attributes (after `clean`). */
export function escapeHtml(value: unknown, multiline = false): string {
  return clean(value, multiline).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}
