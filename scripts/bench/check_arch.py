#!/usr/bin/python3
"""Check that the PyTorch side (taming_torch.py) is taming's architecture.

Loads the taming-tiny checkpoints in testdata/ into our modules with strict
key matching and compares with the reference vectors:
  vqgan:           quant_conv_out, indices, reconstruction, decode_from_indices
  cin_transformer: logits_full, logits_incremental (KV cache), greedy_tokens
                   (sample_with_past, argmax), topk5_logits, filter/*
  seg_transformer: sliding_greedy_tokens (the sliding-window loop, window 4)
Exits 1 on any mismatch (float tolerance 1e-4 absolute).
Run: /usr/bin/python3 scripts/bench/check_arch.py
"""
import os
import sys

import torch
import torch.nn.functional as F
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taming_torch as tt  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TINY = os.path.join(ROOT, "testdata", "taming-tiny")
TOL = 1e-4
failures = []


def check_close(name, got, want, tol=TOL):
    got, want = got.float(), want.float()
    same_inf = torch.equal(torch.isinf(got), torch.isinf(want)) and \
        torch.equal(got[torch.isinf(got)], want[torch.isinf(want)])
    fin = torch.isfinite(want)
    err = (got[fin] - want[fin]).abs().max().item() if fin.any() else 0.0
    ok = same_inf and err < tol  # -inf (filtered logits) must match exactly
    print(f"{'ok  ' if ok else 'FAIL'} {name}: max abs error {err:.3g}")
    if not ok:
        failures.append(name)


def check_equal(name, got, want):
    ok = torch.equal(got.long(), want.long())
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {'equal' if ok else 'differ'}")
    if not ok:
        failures.append(name)


def load(model_dir):
    with open(os.path.join(TINY, model_dir, "configs", "model.yaml")) as f:
        cfg = yaml.safe_load(f)["model"]["params"]
    sd = tt.load_state_dict(os.path.join(TINY, model_dir, "checkpoints", "last.ckpt"))
    vec = tt.read_safetensors(os.path.join(TINY, model_dir, "vectors.safetensors"))
    return cfg, sd, vec


def build_gpt(cfg, sd):
    gpt = tt.GPT(**cfg["transformer_config"]["params"]).eval()
    # strict: every transformer.* key must match one of our parameters/buffers
    gpt.load_state_dict(tt.sub_state_dict(sd, ["transformer."], strip="transformer."), strict=True)
    return gpt


@torch.inference_mode()
def check_vqgan():
    cfg, sd, vec = load("vqgan")
    vq = tt.VQModel(cfg["ddconfig"], cfg["n_embed"], cfg["embed_dim"]).eval()
    keep = ["encoder.", "decoder.", "quant_conv.", "post_quant_conv.", "quantize."]
    vq.load_state_dict(tt.sub_state_dict(sd, keep), strict=True)
    x = vec["input"]
    z = vq.quant_conv(vq.encoder(x))
    check_close("vqgan quant_conv_out", z, vec["quant_conv_out"])
    idx = vq.quantize.indices(z)
    check_equal("vqgan indices", idx, vec["indices"])
    zq = vq.quantize.lookup(idx)
    check_close("vqgan z_q", zq, vec["z_q"])
    check_close("vqgan reconstruction", vq.decode(zq), vec["reconstruction"])
    check_close("vqgan decode_from_indices", vq.decode(vq.quantize.lookup(vec["indices"])),
                vec["decode_from_indices"])


F16 = dict(ch=128, out_ch=3, ch_mult=[1, 1, 2, 2, 4], num_res_blocks=2, attn_resolutions=[16],
           in_channels=3, resolution=256, z_channels=256, double_z=False, dropout=0.0)


def check_f16_counts():
    """The benchmark's f16 config: key count and parameter counts (spec 1.5)."""
    vq = tt.VQModel(F16, 1024, 256)
    n = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    want = dict(keys=343, encoder=29298176, decoder=42449795, codebook=262144)
    got = dict(keys=len(vq.state_dict()), encoder=n(vq.encoder), decoder=n(vq.decoder),
               codebook=vq.quantize.embedding.weight.numel())
    ok = got == want
    print(f"{'ok  ' if ok else 'FAIL'} f16 key/parameter counts: {got}")
    if not ok:
        failures.append("f16 counts")


@torch.inference_mode()
def check_cin_transformer():
    cfg, sd, vec = load("cin_transformer")
    gpt = build_gpt(cfg, sd)
    c, greedy = vec["class_tokens"], vec["greedy_tokens"]
    B = c.shape[0]
    seq = torch.cat((c, greedy.reshape(B, -1)), dim=1)[:, :-1]
    check_close("gpt logits_full", gpt(seq), vec["logits_full"])

    # the same sequence through the KV cache, one token at a time
    logits, _, present = gpt.forward_with_past(seq[:, :1])
    past, steps = [present], [logits]
    for t in range(1, seq.shape[1]):
        logits, _, present = gpt.forward_with_past(seq[:, t:t + 1], past=past, past_length=t)
        past.append(present)
        steps.append(logits)
    check_close("gpt logits_incremental", torch.cat(steps, dim=1), vec["logits_incremental"])

    got = tt.sample_with_past(c, gpt, steps=greedy[0].numel(), sample=False, top_k=5)
    check_equal("gpt greedy_tokens (sample_with_past)", got, greedy.reshape(B, -1))

    last = vec["last_logits"]
    check_close("gpt last_logits", gpt(seq)[:, -1], last)
    check_close("gpt topk5_logits", tt.top_k_top_p_filter(last, 5), vec["topk5_logits"])
    for name in [k for k in vec if k.startswith("filter/")]:
        k, p, t = name[len("filter/"):].split("_")
        k, t = int(k[1:]), float(t[1:])
        p = None if p == "pNone" else float(p[1:])
        probs = F.softmax(tt.top_k_top_p_filter(last / t, k, p), dim=-1)
        check_close(f"gpt {name}", probs, vec[name])


@torch.inference_mode()
def check_seg_transformer():
    cfg, sd, vec = load("seg_transformer")
    gpt = build_gpt(cfg, sd)
    w = int(round((cfg["transformer_config"]["params"]["block_size"] // 2) ** 0.5))
    cidx = vec["cond_indices"]
    idx = torch.zeros_like(cidx)
    tt.sliding_window(gpt, cidx, idx, w=w, sample=False)
    check_equal(f"sliding window (w={w}) sliding_greedy_tokens", idx, vec["sliding_greedy_tokens"])


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    check_vqgan()
    check_f16_counts()
    check_cin_transformer()
    check_seg_transformer()
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        sys.exit(1)
    print("all checks passed")
