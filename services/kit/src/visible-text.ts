/**
 * Code points that show nothing on their own: white space, control and format characters
 * (zero-width space, word joiner, BOM, ZWJ, bidi marks), other default-ignorable code points
 * (variation selectors, Hangul fillers) and non-spacing combining marks, which need a base
 * character to sit on.
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}]/u;

/**
 * True when the text has at least one character a reader can see. Text made only of white
 * space, format characters and lone combining marks looks empty on screen, so chat treats it
 * as empty; the text itself is never changed.
 */
export function hasVisibleCharacter(text: string): boolean {
  for (const char of text) {
    if (!INVISIBLE.test(char)) return true;
  }
  return false;
}
