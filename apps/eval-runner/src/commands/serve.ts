// verl serve: OpenAI-compatible /v1/completions and /v1/models over a local model folder,
// using rollout's createCompletionsServer (input validation, n, logprobs, seed, stop).
import { basename, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { num, requireStr, str } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { openLocalModel, parseBackend } from './shared/engine.js';

export const command: Command = {
  spec: {
    name: 'serve',
    summary: 'OpenAI-compatible /v1/completions and /v1/models for a local model',
    usage: 'verl serve --model DIR [--port P] [--host H]',
    options: {
      model: { type: 'string', value: 'DIR', description: 'model folder (HF layout)' },
      port: { type: 'string', value: 'P', default: '8000', description: 'TCP port (0 = any free port)' },
      host: { type: 'string', value: 'H', default: '127.0.0.1', description: 'address to bind' },
      name: { type: 'string', value: 'NAME', description: 'model id reported by /v1/models (default: the folder name)' },
      backend: { type: 'string', value: 'NAME', description: 'TensorFlow.js backend: wasm (default), cpu, webgpu, tensorflow' },
      'batch-size': { type: 'string', value: 'N', description: 'sequences decoded together' },
    },
    examples: ['verl serve --model assets/tiny-arith --port 8000', 'curl http://127.0.0.1:8000/v1/completions -d \'{"model":"tiny-arith","prompt":"12+7=","max_tokens":24}\''],
  },
  async run(args, io) {
    const v = args.values;
    const dir = requireStr(v, 'model');
    const port = num(v, 'port', { integer: true, min: 0, max: 65535 })!;
    const host = str(v, 'host')!;
    const modelName = str(v, 'name') ?? basename(resolve(dir));
    const { model, tokenizer, engine } = await openLocalModel(dir, { backend: parseBackend(str(v, 'backend')), batchSize: num(v, 'batch-size', { integer: true, min: 1 }) });
    const rollout = await import('@verl-ts/rollout');
    const server = rollout.createCompletionsServer({ engine, tokenizer, modelName });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
    const addr = server.address() as AddressInfo;
    io.stdout.write(`serving ${modelName} on http://${host}:${addr.port}/v1 (POST /v1/completions, GET /v1/models); Ctrl-C to stop\n`);
    await new Promise<void>((ok) => {
      const stop = () => {
        server.close(() => ok());
        server.closeAllConnections?.();
      };
      if (io.signal.aborted) stop();
      else io.signal.addEventListener('abort', stop, { once: true });
    });
    await engine.close?.();
    model.dispose();
    io.stdout.write('server stopped\n');
    return 0;
  },
};
