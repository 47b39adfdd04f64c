// Reading a request body with a size limit. A body over the limit is not answered at once:
// closing the socket while the client is still uploading makes it see a broken pipe or a
// reset ("Connection error" in the openai client, which then retries the upload) and never the
// 413. So the rest of the body is read and thrown away, and the 413 goes out when it has
// arrived, on a connection that stays usable. Only past a hard cap (or a declared length over
// it) does the server answer at once and close the connection.
import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

export function readBody(req: IncomingMessage, limit: number, discardLimit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = (size: string, close: boolean) =>
      new RequestError(`request body of ${size} exceeds the limit of ${limit} bytes`, 413, null, 'invalid_request_error', close);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > Math.max(limit, discardLimit)) {
      reject(tooLarge(`${declared} bytes`, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) {
        chunks.push(c);
        return;
      }
      chunks.length = 0; // discard from here on, keep counting
      if (size > discardLimit) {
        req.off('data', onData);
        req.off('end', onEnd);
        reject(tooLarge(`more than ${discardLimit} bytes`, true));
      }
    };
    const onEnd = () => {
      if (size > limit) reject(tooLarge(`${size} bytes`, false));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
