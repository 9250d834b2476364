import { describe, expect, it } from 'vitest';
import { summaryMail } from '../../handlers/core/run/report-run.js';
import {
  describeCharacter,
  firstUnsafeCharacter,
  terminalJson,
  visible,
} from '../../handlers/core/shared/visible-text.js';

describe('visible', () => {
  it('shows controls, ESC/OSC, C1, DEL, bidi, zero-width and separators as escapes', () => {
    expect(visible('a\u001b]0;t\u0007b')).toBe('a\\u{1B}]0;t\\u{7}b');
    expect(visible('\u0000\u007f\u0085\u009b')).toBe('\\u{0}\\u{7F}\\u{85}\\u{9B}');
    expect(visible('x\u202ey\u2066z\u2069')).toBe('x\\u{202E}y\\u{2066}z\\u{2069}');
    expect(visible('a\u200bb\u200dc\ufeffd\u2060')).toBe('a\\u{200B}b\\u{200D}c\\u{FEFF}d\\u{2060}');
    expect(visible('one\ntwo\r\u2028three\u2029')).toBe('one\\u{A}two\\u{D}\\u{2028}three\\u{2029}');
  });

  it('leaves ordinary text alone, accents, scripts and emoji included', () => {
    const text = 'svc+reports=etl,prod café 日本 مرحبا 🙂 "quoted" <b>';
    expect(visible(text)).toBe(text);
  });
});

describe('firstUnsafeCharacter', () => {
  it('names the first character that cannot be shown, and its 1-based position in characters', () => {
    expect(firstUnsafeCharacter('🙂ok\u202e')).toEqual({
      code: 0x202e,
      position: 4,
      description: 'U+202E RIGHT-TO-LEFT OVERRIDE',
    });
    expect(firstUnsafeCharacter('a\nb\tc', [0x0a, 0x09])).toBeNull();
    expect(describeCharacter(0x01)).toBe('U+0001 (a control character)');
  });
});

describe('terminalJson', () => {
  it('is the same value once parsed, with no raw unsafe character in the text', () => {
    const value = { name: 'x\u202e\u0085\u001b\u2028y' };
    const json = terminalJson(value, 2);
    expect(json).toContain('"x\\u202E\\u0085\\u001b\\u2028y"');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(json).not.toMatch(/[\u001b\u0085\u2028\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('the text summary mail', () => {
  it("shows an approver's reason holding line breaks and bidi overrides on one visible line", () => {
    const evidence = {
      execution: { name: 'run-1', accountId: '123456789012' },
      outcome: 'rejected',
      summary: 'Rejected by a@example.com ("no\nForged: line \u202eevil")',
      counts: { disabled: 0, restored: 0, findings: 1, skippedAtRecheck: 0, notApproved: 0 },
      changes: [],
      error: null,
    } as unknown as Parameters<typeof summaryMail>[0];

    const mail = summaryMail(evidence);

    expect(mail.text).not.toMatch(/^Forged/m);
    expect(mail.text).toContain('("no\\u{A}Forged: line \\u{202E}evil")');
  });
});
