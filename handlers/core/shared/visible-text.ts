/**
 * The one neutraliser for text a person reads outside HTML: terminal tables, `show`, `history`,
 * error messages, text mails. Text from a credential report or from a person may hold characters
 * that act instead of showing: C0 and C1 controls (ESC starts terminal sequences such as OSC, which
 * can retitle a window, hide or rewrite lines), DEL, bidirectional overrides and isolates (which
 * reorder what is shown, so a row can claim to be another), zero-width characters (two names that
 * look the same) and line or paragraph separators (forged lines). Each such character is shown as a
 * visible escape, `\u{202E}`, so what a person sees is what the text holds.
 *
 * HTML pages use the same rule (handlers/core/shared/html.ts) and replace those characters there.
 */

/** Names of the characters a reader is most likely to meet; the rest are named by their class. */
const NAMES: Record<number, string> = {
  0: 'NULL',
  7: 'BELL',
  8: 'BACKSPACE',
  9: 'CHARACTER TABULATION',
  10: 'LINE FEED',
  11: 'LINE TABULATION',
  12: 'FORM FEED',
  13: 'CARRIAGE RETURN',
  27: 'ESCAPE',
  127: 'DELETE',
  133: 'NEXT LINE',
  155: 'CONTROL SEQUENCE INTRODUCER',
  157: 'OPERATING SYSTEM COMMAND',
  1564: 'ARABIC LETTER MARK',
  6158: 'MONGOLIAN VOWEL SEPARATOR',
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8232: 'LINE SEPARATOR',
  8233: 'PARAGRAPH SEPARATOR',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8288: 'WORD JOINER',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
};

/**
 * Whether a code point acts instead of showing: C0 controls (TAB, LF and CR included), DEL, C1
 * controls, bidirectional marks, embeddings, overrides and isolates, zero-width characters, and the
 * line and paragraph separators.
 */
export function isUnsafeCodePoint(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

const hex = (code: number) => code.toString(16).toUpperCase();

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, `U+0001 (a control character)`. */
export function describeCharacter(code: number): string {
  const name =
    NAMES[code] ?? (code <= 0x9f ? '(a control character)' : '(an invisible formatting character)');
  return `U+${hex(code).padStart(4, '0')} ${name}`;
}

/** The text with every unsafe character shown as `\u{XXXX}`; anything else as it is. */
export function visible(value: unknown): string {
  const text = String(value ?? '');
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += isUnsafeCodePoint(code) ? `\\u{${hex(code)}}` : char;
  }
  return out;
}

/** Lines of text, each neutralised: a line break inside a value cannot forge another line. */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n');
}

export interface UnsafeCharacter {
  code: number;
  /** 1-based position in code points, as a person counts characters. */
  position: number;
  description: string;
}

/** The first unsafe character of the text other than those in `allowed`, or null. */
export function firstUnsafeCharacter(text: string, allowed: readonly number[] = []): UnsafeCharacter | null {
  let position = 0;
  for (const char of text) {
    position += 1;
    const code = char.codePointAt(0) ?? 0;
    if (isUnsafeCodePoint(code) && !allowed.includes(code)) {
      return { code, position, description: describeCharacter(code) };
    }
  }
  return null;
}

/**
 * JSON for a terminal: the same value once parsed, but unsafe characters (which JSON.stringify
 * leaves raw above U+001F) are written as `\uXXXX` escapes.
 */
export function terminalJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent);
  let out = '';
  for (const char of json) {
    const code = char.codePointAt(0) ?? 0;
    out += isUnsafeCodePoint(code) && code > 0x1f ? `\\u${hex(code).padStart(4, '0')}` : char;
  }
  return out;
}
