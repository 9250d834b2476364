/** Escaping for every page and mail credsweep renders: one rule, used by the approval mail and page and the evidence. */
import { isUnsafeCodePoint } from './visible-text.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** The neutraliser's rule (handlers/core/shared/visible-text.ts), except that TAB, LF and CR are layout here. */
const isUnsafe = (code: number) => code !== 0x09 && code !== 0x0a && code !== 0x0d && isUnsafeCodePoint(code);

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
