/**
 * The characters of `text` that act on a terminal instead of showing, written independently of
 * handlers/core/shared/visible-text.ts: C0 controls but TAB and LF (the output's own layout), DEL, C1,
 * the Arabic letter mark, zero-width and bidi marks, line/paragraph separators, embeddings,
 * overrides, isolates, the word joiner and the byte order mark.
 */
export function rawControls(text: string): string[] {
  const ranges: [number, number][] = [
    [0x00, 0x08],
    [0x0b, 0x1f],
    [0x7f, 0x9f],
    [0x061c, 0x061c],
    [0x200b, 0x200f],
    [0x2028, 0x202e],
    [0x2060, 0x2069],
    [0xfeff, 0xfeff],
  ];
  return [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return ranges.some(([from, to]) => code >= from && code <= to);
  });
}
