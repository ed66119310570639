#!/usr/bin/python3
"""Build testdata/taming-tiny/depth_transformer: a depth-conditioned Net2Net
log directory and its expected outputs, for the tests of depth conditioning.

The other folders here are copies of taming's reference fixtures; they have
no depth model, so this one is derived from seg_transformer: the same first
stage and GPT, and its cond stage VQModel with one input and output channel
instead of five (conv_in weights summed over the five label channels,
conv_out's first row).
The expected values are computed by the PyTorch side of scripts/bench
(taming_torch.py, checked against the reference by check_arch.py):

  depth.png              40x56 RGBA PNG: each pixel's four bytes are a
                         little-endian float32 depth, taming's D-RIN format
  vectors.safetensors    depth (1,1,40,56) as float32 metres,
                         depth_input (1,1,40,56): min-max normalised to [-1,1],
                         cond_indices (1,10,14): the cond stage's codes,
                         sliding_greedy_tokens (1,10,14): the sliding-window
                         loop (window 4) with argmax at every step

Run: /usr/bin/python3 testdata/taming-tiny/depth_transformer/make.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import yaml
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts", "bench"))
import taming_torch as tt  # noqa: E402

SRC = os.path.join(ROOT, "testdata", "taming-tiny", "seg_transformer")
OUT = os.path.join(ROOT, "testdata", "taming-tiny", "depth_transformer")
H, W = 40, 56


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.numpy())
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[a.dtype]
        b = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    with open(os.path.join(SRC, "configs", "model.yaml")) as f:
        cfg = yaml.safe_load(f)
    p = cfg["model"]["params"]
    p["cond_stage_key"] = "depth"
    cs = p["cond_stage_config"]["params"]
    cs["image_key"] = "depth"
    cs["ddconfig"]["in_channels"] = cs["ddconfig"]["out_ch"] = 1

    sd = tt.load_state_dict(os.path.join(SRC, "checkpoints", "last.ckpt"))
    sd = {k: v for k, v in sd.items()}
    k = "cond_stage_model.encoder.conv_in.weight"
    sd[k] = sd[k].sum(dim=1, keepdim=True).contiguous()
    for k in ["cond_stage_model.decoder.conv_out.weight", "cond_stage_model.decoder.conv_out.bias"]:
        sd[k] = sd[k][:1].contiguous()

    os.makedirs(os.path.join(OUT, "configs"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "checkpoints"), exist_ok=True)
    with open(os.path.join(OUT, "configs", "model.yaml"), "w") as f:
        yaml.safe_dump(cfg, f, sort_keys=False)
    torch.save({"epoch": 0, "global_step": 0, "state_dict": sd},
               os.path.join(OUT, "checkpoints", "last.ckpt"))

    # A scene: a floor receding to the top, a sphere-like bump, 0.5 to 12 m.
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    depth = 12.0 - 11.0 * y / (H - 1)
    bump = np.exp(-((x - 36) ** 2 + (y - 14) ** 2) / 60.0)
    depth = (depth - 4.0 * bump).astype(np.float32)
    rgba = depth.view(np.uint8).reshape(H, W, 4)  # little-endian float32 bytes
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "depth.png"))

    # taming's ImageNet depth preprocessing: per-image min-max to [0,1], then [-1,1]
    d = (depth - depth.min()) / max(1e-8, depth.max() - depth.min())
    d = torch.from_numpy(2.0 * d - 1.0).float().reshape(1, 1, H, W)

    with torch.inference_mode():
        vq = tt.VQModel(cs["ddconfig"], cs["n_embed"], cs["embed_dim"]).eval()
        keep = ["encoder.", "decoder.", "quant_conv.", "post_quant_conv.", "quantize."]
        vq.load_state_dict(tt.sub_state_dict(sd, ["cond_stage_model." + s for s in keep],
                                             strip="cond_stage_model."), strict=True)
        cidx = vq.encode_indices(d)
        gpt = tt.GPT(**p["transformer_config"]["params"]).eval()
        gpt.load_state_dict(tt.sub_state_dict(sd, ["transformer."], strip="transformer."), strict=True)
        w = int(round((p["transformer_config"]["params"]["block_size"] // 2) ** 0.5))
        idx = torch.zeros_like(cidx)
        tt.sliding_window(gpt, cidx, idx, w=w, sample=False)

    write_safetensors(os.path.join(OUT, "vectors.safetensors"), {
        "depth": torch.from_numpy(depth.copy()).reshape(1, 1, H, W),
        "depth_input": d,
        "cond_indices": cidx,
        "sliding_greedy_tokens": idx,
    })
    print("cond_indices", cidx.flatten().tolist())


if __name__ == "__main__":
    main()
