// verl serve: an OpenAI-compatible server (/v1/completions, /v1/chat/completions, /v1/models,
// streaming) over a local model folder, using rollout's createCompletionsServer (input
// validation, n, logprobs, seed, stop, the context check against max_model_len).
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { num, requireStr, str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { openLlamaCppModel, openLocalModel, parseBackend, parseEngine } from './shared/engine.js';

export const command: Command = {
  spec: {
    name: 'serve',
    summary: 'OpenAI-compatible /v1/completions, /v1/chat/completions and /v1/models for a local model',
    usage: 'verl serve --model DIR [--port P] [--host H] [--max-model-len N] [--chat-template FILE]',
    options: {
      model: { type: 'string', value: 'DIR', description: 'model folder (HF layout)' },
      port: { type: 'string', value: 'P', default: '8000', description: 'TCP port (0 = any free port)' },
      host: { type: 'string', value: 'H', default: '127.0.0.1', description: 'address to bind' },
      name: { type: 'string', value: 'NAME', description: 'model id reported by /v1/models (default: the folder name)' },
      backend: { type: 'string', value: 'NAME', description: 'TensorFlow.js backend: wasm (default), cpu, webgpu, tensorflow' },
      'batch-size': { type: 'string', value: 'N', description: 'sequences decoded together' },
      engine: { type: 'string', value: 'NAME', default: 'tfjs', description: 'generation engine: tfjs, or llamacpp (the folder is exported to a temporary GGUF; llama.cpp uses all CPU cores and a GPU when present)' },
      'max-model-len': { type: 'string', value: 'N', description: "context in tokens (prompt + max_tokens); default and upper bound: the config's max_position_embeddings (times a linear RoPE factor)" },
      'chat-template': { type: 'string', value: 'FILE', description: "Jinja chat template for /v1/chat/completions (default: the tokenizer's own)" },
    },
    examples: [
      'verl serve --model apps/eval-runner/assets/tiny-arith --port 8000',
      'curl http://127.0.0.1:8000/v1/completions -d \'{"model":"tiny-arith","prompt":"12+7=","max_tokens":24}\'',
    ],
  },
  async run(args, io) {
    const v = args.values;
    const dir = requireStr(v, 'model');
    const port = num(v, 'port', { integer: true, min: 0, max: 65535 })!;
    const host = str(v, 'host')!;
    const modelName = str(v, 'name') ?? basename(resolve(dir));
    const requestedLen = num(v, 'max-model-len', { integer: true, min: 2 });
    const templateFile = str(v, 'chat-template');
    const templateSource = templateFile === undefined ? undefined : await readFile(templateFile, 'utf8').catch((e: Error) => {
      throw new UsageError(`--chat-template: cannot read ${templateFile}: ${e.message}`);
    });
    const batchSize = num(v, 'batch-size', { integer: true, min: 1 });
    const engineName = parseEngine(str(v, 'engine'));
    if (engineName === 'llamacpp' && dir.endsWith('.gguf')) throw new UsageError('--engine llamacpp serves a model folder (its tokenizer and config), not a .gguf file');
    const { config, tokenizer, engine, dispose } =
      engineName === 'llamacpp'
        ? await openLlamaCppModel(dir, { parallel: batchSize }).then((m) => ({ ...m, config: m.config!, tokenizer: m.tokenizer! }))
        : await openLocalModel(dir, { backend: parseBackend(str(v, 'backend')), batchSize }).then(({ model, ...m }) => ({ ...m, config: model.config, dispose: async () => model.dispose() }));
    const models = await import('@verl-ts/models');
    const rollout = await import('@verl-ts/rollout');
    const context = rollout.modelContextLength(config);
    if (requestedLen !== undefined && requestedLen > context) {
      await engine.close?.();
      await dispose();
      throw new UsageError(`--max-model-len ${requestedLen} is more than the model's context (${context}, from max_position_embeddings)`);
    }
    // the template sees the tokenizer's special tokens, as transformers passes them
    const special = (id: number | undefined) => (id === undefined ? undefined : tokenizer.idToToken(id));
    const chatTemplate = templateSource === undefined
      ? undefined
      : new models.ChatTemplate(templateSource, { bos_token: special(tokenizer.bosTokenId), eos_token: special(tokenizer.eosTokenIds[0]) }, templateFile);
    const server = rollout.createCompletionsServer({ engine, tokenizer, modelName, maxModelLen: requestedLen ?? context, chatTemplate });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
    const addr = server.address() as AddressInfo;
    const chat = chatTemplate || tokenizer.applyChatTemplate ? ', POST /v1/chat/completions' : ' (no chat template: /v1/chat/completions answers 400)';
    io.stdout.write(`serving ${modelName} on http://${host}:${addr.port}/v1 (POST /v1/completions${chat}, GET /v1/models; max_model_len ${requestedLen ?? context}); Ctrl-C to stop\n`);
    await new Promise<void>((ok) => {
      const stop = () => {
        server.close(() => ok());
        server.closeAllConnections?.();
      };
      if (io.signal.aborted) stop();
      else io.signal.addEventListener('abort', stop, { once: true });
    });
    await engine.close?.();
    await dispose();
    io.stdout.write('server stopped\n');
    return 0;
  },
};
