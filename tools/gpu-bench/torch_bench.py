"""PyTorch eager fp32 baseline for tools/gpu-bench (issue 9), same shapes as bench.mjs.

For each size in shapes.json: one training step = forward, token-mean cross-entropy against
random labels, backward, clip_grad_norm_(1.0), AdamW (torch.optim.AdamW, lr/betas/eps/decay
from shapes.json); timed as whole steps and per phase (forward, backward, optimizer) with
torch.cuda.synchronize(). TF32 is off, so fp32 is compared with fp32. Generation tokens/s with
HF generate (KV cache, sampling, no EOS) for the same batch sizes. matMul TFLOP/s for the same
shapes and transposes as bench.mjs.

The model is transformers' LlamaForCausalLM (attn_implementation sdpa by default) when
transformers imports, else a plain-PyTorch Llama with the same parameters (no generation then).

  python3 tools/gpu-bench/torch_bench.py [--quick] [--sizes 15m,119m] [--out FILE] [--attn sdpa|eager]
                                         [--device cuda]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help='the tiny shapes of shapes.json')
    p.add_argument('--sizes', help='comma-separated names from shapes.json (default: all)')
    p.add_argument('--out', default='results-torch.json')
    p.add_argument('--attn', default='sdpa', choices=['sdpa', 'eager'])
    p.add_argument('--device', default='cuda')
    p.add_argument('--no-generate', action='store_true')
    p.add_argument('--no-matmul', action='store_true')
    return p.parse_args()


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def attention(q, k, v):
    """Causal attention; grouped-query heads repeat k/v. SDPA where this torch has it."""
    if k.shape[1] != q.shape[1]:
        k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
        v = v.repeat_interleave(q.shape[1] // v.shape[1], dim=1)
    if hasattr(F, 'scaled_dot_product_attention'):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    T = q.shape[2]
    s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    s = s.masked_fill(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float('-inf'))
    return torch.softmax(s, -1) @ v


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class PlainLlama(torch.nn.Module):
    """Fallback when transformers is missing: Llama decoder (RMSNorm, RoPE rotate_half, SDPA, SwiGLU, tied head)."""

    def __init__(self, c):
        super().__init__()
        d, f = c['hiddenSize'], c['intermediateSize']
        self.h, self.hk, self.hd = c['numHeads'], c['numKvHeads'], c['headDim']
        self.embed = torch.nn.Embedding(c['vocabSize'], d)
        self.layers = torch.nn.ModuleList()
        for _ in range(c['numLayers']):
            m = torch.nn.Module()
            m.ln1, m.ln2 = RMSNorm(d, c['rmsNormEps']), RMSNorm(d, c['rmsNormEps'])
            m.q = torch.nn.Linear(d, self.h * self.hd, bias=False)
            m.k = torch.nn.Linear(d, self.hk * self.hd, bias=False)
            m.v = torch.nn.Linear(d, self.hk * self.hd, bias=False)
            m.o = torch.nn.Linear(self.h * self.hd, d, bias=False)
            m.gate, m.up = torch.nn.Linear(d, f, bias=False), torch.nn.Linear(d, f, bias=False)
            m.down = torch.nn.Linear(f, d, bias=False)
            self.layers.append(m)
        self.norm = RMSNorm(d, c['rmsNormEps'])
        self.theta = c['ropeTheta']
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        B, T = ids.shape
        inv = 1.0 / (self.theta ** (torch.arange(0, self.hd, 2, device=ids.device, dtype=torch.float32) / self.hd))
        ang = torch.outer(torch.arange(T, device=ids.device, dtype=torch.float32), inv)
        emb = torch.cat([ang, ang], -1)
        cos, sin = emb.cos(), emb.sin()

        def rope(x):
            x1, x2 = x[..., : self.hd // 2], x[..., self.hd // 2:]
            return x * cos + torch.cat([-x2, x1], -1) * sin

        x = self.embed(ids)
        for m in self.layers:
            h = m.ln1(x)
            q = rope(m.q(h).view(B, T, self.h, self.hd).transpose(1, 2))
            k = rope(m.k(h).view(B, T, self.hk, self.hd).transpose(1, 2))
            v = m.v(h).view(B, T, self.hk, self.hd).transpose(1, 2)
            a = attention(q, k, v)
            x = x + m.o(a.transpose(1, 2).reshape(B, T, self.h * self.hd))
            h = m.ln2(x)
            x = x + m.down(F.silu(m.gate(h)) * m.up(h))
        return self.norm(x) @ self.embed.weight.t()


def build_model(c, attn, device):
    """(model, logits_fn, kind): transformers' LlamaForCausalLM if available, else PlainLlama."""
    try:
        from transformers import LlamaConfig, LlamaForCausalLM
        base = dict(
            vocab_size=c['vocabSize'], hidden_size=c['hiddenSize'], intermediate_size=c['intermediateSize'],
            num_hidden_layers=c['numLayers'], num_attention_heads=c['numHeads'], num_key_value_heads=c['numKvHeads'],
            head_dim=c['headDim'], rms_norm_eps=c['rmsNormEps'], max_position_embeddings=c['maxPositionEmbeddings'],
            tie_word_embeddings=c['tieWordEmbeddings'], attention_bias=c['attentionBias'],
        )
        theta = float(c['ropeTheta'])
        cfg, errors = None, []
        # RoPE theta: transformers 5 keeps it in rope_parameters, older versions at the top level
        for extra in ({'rope_parameters': {'rope_type': 'default', 'rope_theta': theta}}, {'rope_theta': theta}):
            try:
                cfg = LlamaConfig(**base, **extra)
                break
            except Exception as e:
                errors.append(repr(e))
        if cfg is None:
            raise RuntimeError('LlamaConfig rejected the shapes: ' + '; '.join(errors))
        try:
            model = LlamaForCausalLM._from_config(cfg, attn_implementation=attn)
        except Exception:
            model = LlamaForCausalLM(cfg)
        model = model.to(device=device, dtype=torch.float32)
        rope = getattr(model.config, 'rope_parameters', None)
        used_theta = rope.get('rope_theta') if isinstance(rope, dict) else getattr(model.config, 'rope_theta', None)
        used_attn = getattr(model.config, '_attn_implementation', None)
        model.generation_config.eos_token_id = None
        model.generation_config.pad_token_id = 0
        return model, (lambda ids: model(input_ids=ids, use_cache=False).logits), \
            f'transformers LlamaForCausalLM (attention {used_attn}, rope theta {used_theta})'
    except Exception as e:  # missing or incompatible transformers: the plain model has the same parameters
        print(f'transformers LlamaForCausalLM unavailable ({e!r}); using the plain-PyTorch Llama', flush=True)
        model = PlainLlama(c).to(device=device, dtype=torch.float32)
        sdpa = 'sdpa' if hasattr(F, 'scaled_dot_product_attention') else 'softmax attention'
        return model, model, f'plain PyTorch Llama ({sdpa})'


def bench_size(name, s, spec, it, gen, args, device):
    c = {**spec['common'], **s['model']}
    B, T = s['batch'], s['seq']
    torch.manual_seed(1)
    model, logits_fn, kind = build_model(c, args.attn, device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    n_params = sum(p.numel() for p in params)
    o = spec['optimizer']
    opt = torch.optim.AdamW(params, lr=o['lr'], betas=(o['beta1'], o['beta2']), eps=o['eps'], weight_decay=o['weightDecay'])
    g = torch.Generator(device='cpu').manual_seed(7)
    ids = torch.randint(0, c['vocabSize'], (B, T), generator=g).to(device)
    labels = torch.randint(0, c['vocabSize'], (B, T), generator=g).to(device)
    V = c['vocabSize']
    out = {'params': n_params, 'batch': B, 'seq': T, 'model': kind}
    print(f"\n== {name}: {n_params / 1e6:.2f}M params ({kind}); B={B}, T={T}", flush=True)

    def loss_fn():
        return F.cross_entropy(logits_fn(ids).reshape(-1, V), labels.reshape(-1))

    def step():
        loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, o['gradClip'])
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    t = time.perf_counter()
    first = None
    for i in range(it['warmup']):
        v = step().item()
        first = v if i == 0 else first
    sync(device)
    out['warmupMs'] = round((time.perf_counter() - t) * 1000, 1)
    out['firstLoss'] = round(first, 4)
    times = []
    for _ in range(it['timed']):
        sync(device)
        t = time.perf_counter()
        loss = step()
        sync(device)
        times.append((time.perf_counter() - t) * 1000)
        if not math.isfinite(loss.item()):
            raise RuntimeError(f'{name}: non-finite loss')
    out['stepMs'] = {'median': round(statistics.median(times), 3), 'min': round(min(times), 3), 'all': [round(x, 3) for x in times]}
    out['tokensPerSec'] = round(B * T / (statistics.median(times) / 1000))
    ph = {'forward': [], 'backward': [], 'optimizer': []}
    for _ in range(it['phase']):
        sync(device)
        t = time.perf_counter()
        loss = loss_fn()
        sync(device)
        t1 = time.perf_counter()
        loss.backward()
        sync(device)
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, o['gradClip'])
        opt.step()
        opt.zero_grad(set_to_none=True)
        sync(device)
        t3 = time.perf_counter()
        ph['forward'].append((t1 - t) * 1000)
        ph['backward'].append((t2 - t1) * 1000)
        ph['optimizer'].append((t3 - t2) * 1000)
    out['phasesMs'] = {k: round(statistics.median(v), 3) for k, v in ph.items()}
    print(f"step median {out['stepMs']['median']} ms (min {out['stepMs']['min']}), {out['tokensPerSec']} tokens/s; "
          f"forward {out['phasesMs']['forward']} ms, backward {out['phasesMs']['backward']} ms, clip+AdamW {out['phasesMs']['optimizer']} ms", flush=True)

    if not args.no_generate and hasattr(model, 'generate'):
        out['generation'] = {}
        model.eval()
        for gb in gen['batches']:
            try:
                p = torch.randint(0, V, (gb, gen['promptTokens']), generator=g).to(device)
                kw = dict(attention_mask=torch.ones_like(p), do_sample=True, temperature=1.0, top_p=1.0, top_k=0,
                          eos_token_id=None, pad_token_id=0)
                with torch.no_grad():
                    model.generate(p, max_new_tokens=4, min_new_tokens=4, **kw)
                    sync(device)
                    t = time.perf_counter()
                    r = model.generate(p, max_new_tokens=gen['newTokens'], min_new_tokens=gen['newTokens'], **kw)
                    sync(device)
                secs = time.perf_counter() - t
                tokens = (r.shape[1] - p.shape[1]) * gb
                out['generation'][str(gb)] = {'tokensPerSec': round(tokens / secs, 1), 'tokens': tokens, 'seconds': round(secs, 3)}
                print(f"generation batch {gb}: {tokens / secs:.1f} tokens/s (HF generate, KV cache)", flush=True)
            except Exception as e:  # report and go on: the training numbers matter most
                out['generation'][str(gb)] = {'error': repr(e)}
                print(f'generation batch {gb} failed: {e!r}', flush=True)
    del model, opt, params
    if device.type == 'cuda':
        torch.cuda.empty_cache()
    return out


def bench_matmul(shapes, quick, device):
    rows = []
    for M, K, N in shapes:
        row = {'M': M, 'K': K, 'N': N}
        variants = {
            'plain': lambda: (torch.randn(M, K, device=device), torch.randn(K, N, device=device), lambda a, b: a @ b),
            'transposeB': lambda: (torch.randn(M, K, device=device), torch.randn(N, K, device=device), lambda a, b: a @ b.t()),
            'transposeA': lambda: (torch.randn(M, N, device=device), torch.randn(M, K, device=device), lambda a, b: a.t() @ b),
        }
        for vn, make in variants.items():
            a, b, f = make()
            for _ in range(2):
                f(a, b)
            sync(device)
            reps = 2 if quick else 10
            t = time.perf_counter()
            for _ in range(reps):
                f(a, b)
            sync(device)
            ms = (time.perf_counter() - t) * 1000 / reps
            row[vn] = {'ms': round(ms, 4), 'tflops': float(f'{2 * M * K * N / (ms / 1000) / 1e12:.3g}')}
        rows.append(row)
        print(f"matMul [{M}x{K}]x[{K}x{N}]: plain {row['plain']['tflops']} TFLOP/s, transposeB {row['transposeB']['tflops']}, "
              f"transposeA {row['transposeA']['tflops']}", flush=True)
    return rows


def read_tf32_flags():
    try:
        return {'matmul': bool(torch.backends.cuda.matmul.allow_tf32), 'cudnn': bool(torch.backends.cudnn.allow_tf32)}
    except Exception as e:  # report, do not stop the baseline
        return {'error': repr(e)}


def main():
    args = parse_args()
    with open(os.path.join(HERE, 'shapes.json')) as f:
        spec = json.load(f)
    # fp32 against fp32: no TF32 tensor-core shortcuts. Only the legacy flags are set (torch 2.9+
    # raises when the legacy and the fp32_precision APIs are mixed), and they are read back.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device(args.device if (args.device != 'cuda' or torch.cuda.is_available()) else 'cpu')
    sizes = spec['quickSizes'] if args.quick else spec['sizes']
    it = spec['quickIterations'] if args.quick else spec['iterations']
    gen = spec['quickGeneration'] if args.quick else spec['generation']
    names = args.sizes.split(',') if args.sizes else list(sizes)
    for n in names:
        if n not in sizes:
            sys.exit(f"unknown size '{n}'; shapes.json has {', '.join(sizes)}")
    res = {
        'tool': 'verl-ts tools/gpu-bench/torch_bench.py', 'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'torch': torch.__version__, 'device': torch.cuda.get_device_name(device) if device.type == 'cuda' else str(device),
        'tf32': read_tf32_flags(),
        'quick': args.quick, 'sizes': {}, 'matmul': [],
    }
    try:
        import transformers
        res['transformers'] = transformers.__version__
    except ImportError:
        res['transformers'] = None
    print(f"torch {res['torch']} on {res['device']}; TF32 flags {res['tf32']}; transformers {res['transformers']}", flush=True)
    t0 = time.perf_counter()

    def save():
        with open(args.out, 'w') as f:
            json.dump(res, f, indent=1)

    try:
        if not args.no_matmul:
            res['matmul'] = bench_matmul(spec['quickMatmul'] if args.quick else spec['matmul'], args.quick, device)
        for n in names:
            try:
                res['sizes'][n] = bench_size(n, sizes[n], spec, it, gen, args, device)
            except Exception as e:
                import traceback
                traceback.print_exc()
                res['sizes'][n] = {'error': repr(e)}
            save()
    finally:
        res['totalSeconds'] = round(time.perf_counter() - t0, 1)
        save()
        print(f"\nwrote {args.out} ({res['totalSeconds']} s in all)", flush=True)


if __name__ == '__main__':
    main()
