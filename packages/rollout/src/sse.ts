// Server-sent events as the OpenAI and vLLM servers stream them: `data: <json>\n\n` per chunk and
// a closing `data: [DONE]\n\n`. The status line goes out with the first event, so a request that
// fails before producing anything (queue full, bad input found by the engine) still gets its
// own status code. Writes after the client has gone are dropped.
import type { ServerResponse } from 'node:http';

export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  get opened(): boolean {
    return this.res.headersSent;
  }

  private open(): void {
    if (this.opened) return;
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  send(data: unknown): void {
    if (this.closed) return;
    this.open();
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  done(): void {
    if (this.closed) return;
    this.open();
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }
}
