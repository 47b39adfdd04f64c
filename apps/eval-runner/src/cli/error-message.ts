// Turns errors into the one line the CLI prints after its `verl <command>:` prefix: Node's raw
// system error codes (ENOENT, ENOTDIR, EACCES, EEXIST…) become words, a network failure names its
// cause (undici's "fetch failed" keeps it in `error.cause`), and a prefix the thrower already put
// on the message is not repeated.

/** What a system error code means, said for a path. */
const FS_CODES: Record<string, (path: string, syscall?: string) => string> = {
  ENOENT: (p) => `${p} does not exist`,
  ENOTDIR: (p) => `${p}: part of this path is a file, not a folder`,
  EISDIR: (p) => `${p} is a folder, a file was expected`,
  EACCES: (p) => `permission denied for ${p}`,
  EPERM: (p) => `operation not permitted on ${p}`,
  EEXIST: (p, syscall) => (syscall === 'mkdir' ? `${p} exists and is not a folder` : `${p} already exists`),
  ENOTEMPTY: (p) => `folder ${p} is not empty`,
  ENOSPC: (p) => `no space left on the device writing ${p}`,
  EROFS: (p) => `${p} is on a read-only file system`,
  EMFILE: (p) => `too many open files (opening ${p})`,
};

/** What a network error code means (Node / undici codes). */
const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host name not found (offline, or a typo in the host?)',
  EAI_AGAIN: 'host name lookup failed (offline?)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable (offline?)',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no response headers in time',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
};

type ErrnoLike = { code?: unknown; path?: unknown; dest?: unknown; syscall?: unknown; message?: unknown; cause?: unknown; name?: unknown };

/** The network cause of a failed fetch in words, e.g. "connection refused (ECONNREFUSED)"; undefined if none is known. */
export function networkCause(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as ErrnoLike).cause, depth++) {
    const x = c as ErrnoLike;
    if (typeof x.code === 'string' && NET_CODES[x.code]) return `${NET_CODES[x.code]} (${x.code})`;
    if (x.name === 'TimeoutError' || x.name === 'AbortError') return `no answer in time (${String(x.name)})`;
  }
  // no known code: the innermost cause's own words (undici: "bad port", "invalid onRequestStart method"…)
  let said: string | undefined;
  for (let c: unknown = (e as ErrnoLike)?.cause, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as ErrnoLike).cause, depth++) {
    const x = c as ErrnoLike;
    if (typeof x.message === 'string' && x.message) said = typeof x.code === 'string' ? `${x.message} (${x.code})` : x.message;
  }
  return said;
}

// "ENOENT: no such file or directory, open '/x/y'" as Node formats system errors.
const RAW_FS_MESSAGE = /\b(E[A-Z]+): [^,'\n]+, (\w+) '([^']+)'(?: -> '([^']+)')?/g;

/** A bare code at the end of "cannot read PATH: ENOENT", as some packages report it. */
const BARE_CODE = /: (ENOENT|ENOTDIR|EISDIR|EACCES|EPERM|EEXIST)\b(?!:)/g;
const BARE_WORDS: Record<string, string> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'it is a folder, a file was expected',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
};

/** "EISDIR: illegal operation on a directory, read": a system error that names no path. */
const RAW_NO_PATH = /\b(E[A-Z]+): [^,'\n]+, \w+\b(?! ')/g;
const NO_PATH_WORDS: Record<string, string> = {
  EISDIR: 'a folder was given where a file was expected',
  ENOENT: 'a file or folder does not exist',
  ENOTDIR: 'a file was given where a folder was expected',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
};

/** Replaces Node's raw "CODE: text, syscall 'path'" fragments and bare codes inside a message by words. */
export function humanizeSystemErrors(message: string): string {
  return message
    .replace(RAW_FS_MESSAGE, (all, code: string, syscall: string, path: string, dest?: string) => {
      const say = FS_CODES[code];
      if (!say) return all;
      return say(code === 'EEXIST' && dest ? dest : path, syscall);
    })
    .replace(BARE_CODE, (_all, code: string) => `: ${BARE_WORDS[code]}`)
    .replace(RAW_NO_PATH, (all, code: string) => NO_PATH_WORDS[code] ?? all);
}

/** One line for the CLI: `prefix` (e.g. "eval") is stripped if the message already starts with it. */
export function describeError(e: unknown, prefix?: string): string {
  let text: string;
  const x = (e ?? {}) as ErrnoLike;
  if (typeof x.code === 'string' && typeof x.path === 'string' && FS_CODES[x.code]) {
    text = FS_CODES[x.code](x.code === 'EEXIST' && typeof x.dest === 'string' ? x.dest : x.path, typeof x.syscall === 'string' ? x.syscall : undefined);
  } else {
    text = humanizeSystemErrors(e instanceof Error ? e.message : String(e));
    if (/^fetch failed$/.test(text)) {
      const cause = networkCause(e);
      text = cause ? `network request failed: ${cause}` : 'network request failed';
    }
  }
  if (prefix) {
    const own = `${prefix}: `;
    while (text.startsWith(own)) text = text.slice(own.length);
  }
  return text;
}
