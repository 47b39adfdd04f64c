/** An answer the parser cannot read (it is then compared as text only). */
export class ParseError extends Error {}
