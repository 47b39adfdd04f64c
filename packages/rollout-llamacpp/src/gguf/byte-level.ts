// GPT-2's byte-level alphabet: every byte is shown as one printable character (printable Latin-1
// bytes as themselves, the rest shifted to U+0100 and up), so a BPE vocabulary over bytes can be
// stored as strings. llama.cpp's `gpt2` tokenizer model reads token texts in this alphabet.

let table: string[] | undefined;

/** The character standing for each byte 0..255. */
export function byteToUnicode(): string[] {
  if (table) return table;
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = new Array(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable(b) ? b : 256 + shifted++);
  return (table = out);
}

/** A string's UTF-8 bytes written in the byte-level alphabet (e.g. ' a' -> 'Ġa'). */
export function toByteLevel(text: string): string {
  const map = byteToUnicode();
  let s = '';
  for (const b of Buffer.from(text, 'utf8')) s += map[b];
  return s;
}
