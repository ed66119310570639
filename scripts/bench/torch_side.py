#!/usr/bin/python3
"""PyTorch side of the speed comparison (see scripts/bench/README.md).

  torch_side.py --workload NAME --threads N [--repeat R] [--positions N] [--seed S]

Prints exactly one JSON line on stdout:
  {"workload": ..., "side": "pytorch", "seconds": <median>, "runs": [...],
   "threads": N, "extra": {...}}
Model construction and inputs are outside the timed region; each workload is
run once as a warm-up (sliding_window: one position), then R timed runs.
The training workloads (train_vqgan, train_gpt) time one optimisation step.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taming_torch as tt  # noqa: E402

WORKLOADS = ("encode256", "decode256", "gpt_sample", "sliding_window", "train_vqgan", "train_gpt")
TRAINING = ("train_vqgan", "train_gpt")

# taming's f16 ImageNet VQGAN config
F16 = dict(ch=128, out_ch=3, ch_mult=[1, 1, 2, 2, 4], num_res_blocks=2, attn_resolutions=[16],
           in_channels=3, resolution=256, z_channels=256, double_z=False, dropout=0.0)
N_EMBED, EMBED_DIM = 1024, 256
# the 12-layer / 8-head / 512-wide GPT, vocab 1024, block 512 (2 x 16x16 window)
GPT_CFG = dict(vocab_size=1024, block_size=512, n_layer=12, n_head=8, n_embd=512)
TOP_K, TEMPERATURE = 100, 1.0
GRID = 32  # sliding_window latent grid (32x32), window 16
# train_vqgan: a small VQGAN (f8) on 64x64 crops with LPIPS and a 3-layer discriminator
TRAIN_VQ = dict(ch=64, out_ch=3, ch_mult=[1, 2, 2, 4], num_res_blocks=1, attn_resolutions=[8],
                in_channels=3, resolution=64, z_channels=64, double_z=False, dropout=0.0)
TRAIN_VQ_CODES, TRAIN_VQ_DIM, TRAIN_BATCH, BASE_LR = 512, 64, 4, 4.5e-6
# train_gpt: the 12/8/512 GPT over 256 image tokens after one cond token
TRAIN_GPT = dict(vocab_size=1024, block_size=256, n_layer=12, n_head=8, n_embd=512)
TRAIN_GPT_LR = 1e-4


CPU_RUNS = []  # process CPU seconds (user+sys) of each timed run, for extra


def timed(fn, repeat, warmup=None):
    """Run warmup (default fn) once untimed, then fn `repeat` times; wall seconds per run."""
    (warmup or fn)()
    runs = []
    for _ in range(repeat):
        c0, t0 = os.times(), time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
        c1 = os.times()
        CPU_RUNS.append((c1.user - c0.user) + (c1.system - c0.system))
    return runs


def vqmodel():
    return tt.VQModel(F16, N_EMBED, EMBED_DIM).eval()


def bench_encode256(args):
    vq = vqmodel()
    x = torch.rand(1, 3, 256, 256) * 2 - 1  # pixels in [-1, 1]
    # encoder + quant_conv + nearest-codebook argmin -> 16x16 indices
    runs = timed(lambda: vq.encode_indices(x), args.repeat)
    return runs, {"input": [1, 3, 256, 256], "output": [1, 16, 16]}


def bench_decode256(args):
    vq = vqmodel()
    idx = torch.randint(0, N_EMBED, (1, 16, 16))
    zq = vq.quantize.lookup(idx)  # a 1x256x16x16 latent made of codebook rows
    runs = timed(lambda: vq.decode(zq), args.repeat)  # post_quant_conv + decoder
    return runs, {"input": [1, 256, 16, 16], "output": [1, 3, 256, 256]}


def gpt():
    return tt.GPT(**GPT_CFG).eval()


def bench_gpt_sample(args):
    model = gpt()
    cond = torch.randint(0, GPT_CFG["vocab_size"], (1, 256))
    gen = torch.Generator().manual_seed(args.seed)
    steps = 256
    runs = timed(lambda: tt.sample_with_past(cond, model, steps, TEMPERATURE, sample=True,
                                             top_k=TOP_K, generator=gen), args.repeat)
    med = statistics.median(runs)
    return runs, {"cond_tokens": 256, "sampled_tokens": steps, "top_k": TOP_K,
                  "tokens_per_s": steps / med}


def bench_sliding_window(args):
    model = gpt()
    total = GRID * GRID
    n = total if args.positions is None else args.positions
    cidx = torch.randint(0, GPT_CFG["vocab_size"], (1, GRID, GRID))

    def run(positions):
        # every run starts from the same state: image tokens 0, same RNG
        idx = torch.zeros(1, GRID, GRID, dtype=torch.long)
        gen = torch.Generator().manual_seed(args.seed)
        tt.sliding_window(model, cidx, idx, w=16, positions=positions,
                          temperature=TEMPERATURE, top_k=TOP_K, sample=True, generator=gen)

    runs = timed(lambda: run(n), args.repeat, warmup=lambda: run(1))
    per_position = statistics.median(runs) / n
    return runs, {"grid": [GRID, GRID], "window": 16, "positions": n, "total_positions": total,
                  "per_position": per_position, "extrapolated_total": per_position * total}


def count(params):
    return sum(p.numel() for p in params)


def bench_train_vqgan(args):
    """One step of taming's Lightning loop (PL 1.0.8): generator pass and
    opt_ae step, then a fresh autoencoder forward, the discriminator pass and
    opt_disc step. toggle_optimizer makes only the stepping optimizer's
    parameters require grad in each pass. BatchNorm trains; LPIPS runs in
    eval mode (no lin dropout), as the training references do."""
    loss = tt.VQLPIPSWithDiscriminator(disc_start=0, codebook_weight=1.0, disc_num_layers=3, disc_factor=1.0,
                                       disc_weight=1.0, perceptual_weight=1.0, disc_ndf=64)
    vq = tt.VQModel(TRAIN_VQ, TRAIN_VQ_CODES, TRAIN_VQ_DIM, loss=loss).train()
    loss.perceptual_loss.eval()
    lr = BASE_LR * TRAIN_BATCH  # main.py: accumulate x gpus x batch x base
    ae, disc = vq.autoencoder_parameters(), list(loss.discriminator.parameters())
    opt_ae = torch.optim.Adam(ae, lr=lr, betas=(0.5, 0.9))
    opt_disc = torch.optim.Adam(disc, lr=lr, betas=(0.5, 0.9))
    x = torch.rand(TRAIN_BATCH, 3, 64, 64) * 2 - 1
    last_layer = vq.decoder.conv_out.weight

    def only(params):
        for p in vq.parameters():
            p.requires_grad_(False)
        for p in params:
            p.requires_grad_(True)

    def step():
        only(ae)
        xrec, qloss = vq(x)
        aeloss = loss(qloss, x, xrec, 0, 0, last_layer)
        opt_ae.zero_grad()
        aeloss.backward()
        opt_ae.step()
        only(disc)
        xrec, qloss = vq(x)
        discloss = loss(qloss, x, xrec, 1, 0, last_layer)
        opt_disc.zero_grad()
        discloss.backward()
        opt_disc.step()

    runs = timed(step, args.repeat)
    return runs, {"batch": TRAIN_BATCH, "size": 64, "parameters": count(ae) + count(disc),
                  "images_per_s": TRAIN_BATCH / statistics.median(runs)}


def bench_train_gpt(args):
    """One Net2Net transformer step: cross-entropy of GPT(cat(c, z)[:, :-1])
    against z over all 256 positions (one cond token), AdamW with minGPT's
    decay groups."""
    model = tt.GPT(**TRAIN_GPT).train()
    opt = torch.optim.AdamW(tt.gpt_param_groups(model, 0.01), lr=TRAIN_GPT_LR, betas=(0.9, 0.95))
    cz = torch.randint(0, TRAIN_GPT["vocab_size"], (TRAIN_BATCH, 257))

    def step():
        logits = model(cz[:, :-1])  # logits[:, c_len-1:] with c_len 1 is every position
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), cz[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    runs = timed(step, args.repeat)
    return runs, {"batch": TRAIN_BATCH, "tokens": 256, "parameters": count(model.parameters()),
                  "tokens_per_s": TRAIN_BATCH * 256 / statistics.median(runs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", required=True, choices=WORKLOADS)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs (median reported), default 3")
    ap.add_argument("--positions", type=int, default=None,
                    help="sliding_window: run only the first N positions (default all 1024)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.repeat < 1 or args.threads < 1:
        ap.error("--repeat and --threads must be >= 1")
    if args.positions is not None and not 1 <= args.positions <= GRID * GRID:
        ap.error(f"--positions must be within 1..{GRID * GRID}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # random weights and inputs
    bench = globals()["bench_" + args.workload]
    if args.workload in TRAINING:
        runs, extra = bench(args)
    else:
        with torch.inference_mode():
            runs, extra = bench(args)
    # CPU time per run: a hint when the machine was busy (wall >> cpu / threads)
    extra["cpu_seconds"] = statistics.median(CPU_RUNS)
    print(json.dumps({"workload": args.workload, "side": "pytorch", "seconds": statistics.median(runs),
                      "runs": runs, "threads": args.threads, "extra": extra}), flush=True)


if __name__ == "__main__":
    main()
