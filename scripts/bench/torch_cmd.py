#!/usr/bin/python3
"""PyTorch side of the whole-command workloads (see scripts/bench/README.md).

  torch_cmd.py make DIR [--seed S]           write a random Net2Net log directory, a grid and an image
  torch_cmd.py decode DIR GRID.json OUT.png  decode a token grid, as `tessera decode`
  torch_cmd.py encode DIR IMAGE.png OUT.json encode an image, as `tessera encode`
  torch_cmd.py sample DIR OUT.png [--seed S] sample 256 tokens and decode them, as `tessera sample`

Each command is a whole process: `import torch`, then torch.load of
DIR/checkpoints/last.ckpt as taming's scripts do, the modules built from
taming_torch.py and loaded with strict=True, the work, and the file written.
The model is the f16 ImageNet VQGAN under the 12-layer, 8-head, 512-wide GPT
(vocabulary 1024, block 512), unconditional (SOS token 0).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import yaml
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taming_torch as tt  # noqa: E402
from torch_side import F16, GPT_CFG, N_EMBED, EMBED_DIM, TOP_K  # noqa: E402

GRID = 16  # the VQGAN's native 256x256 image is 16x16 tokens

CONFIG = {"model": {
    "base_learning_rate": 4.5e-6,
    "target": "taming.models.cond_transformer.Net2NetTransformer",
    "params": {
        "cond_stage_key": "image", "first_stage_key": "image",
        "transformer_config": {"target": "taming.modules.transformer.mingpt.GPT", "params": GPT_CFG},
        "first_stage_config": {"target": "taming.models.vqgan.VQModel", "params": {
            "embed_dim": EMBED_DIM, "n_embed": N_EMBED, "ddconfig": F16,
            "lossconfig": {"target": "taming.modules.losses.DummyLoss"}}},
        "cond_stage_config": {"target": "taming.modules.util.SOSProvider", "params": {"sos_token": 0}},
        "permuter_config": {"target": "taming.modules.transformer.permuter.Identity"},
        "sos_token": 0,
    },
}}


def make(args):
    torch.manual_seed(args.seed)
    sd = {}
    for prefix, module in (("first_stage_model.", tt.VQModel(F16, N_EMBED, EMBED_DIM)),
                           ("transformer.", tt.GPT(**GPT_CFG))):
        sd.update({prefix + k: v for k, v in module.state_dict().items()})
    for sub in ("configs", "checkpoints"):
        os.makedirs(os.path.join(args.dir, sub), exist_ok=True)
    with open(os.path.join(args.dir, "configs", "model.yaml"), "w") as f:
        yaml.safe_dump(CONFIG, f, sort_keys=False)
    torch.save({"state_dict": sd, "epoch": 0, "global_step": 0},
               os.path.join(args.dir, "checkpoints", "last.ckpt"))
    g = torch.Generator().manual_seed(args.seed)
    codes = torch.randint(0, N_EMBED, (GRID * GRID,), generator=g).tolist()
    with open(os.path.join(args.dir, "grid.json"), "w") as f:
        json.dump({"width": GRID, "height": GRID, "codes": codes}, f)
    pixels = torch.randint(0, 256, (256, 256, 3), generator=g, dtype=torch.uint8).numpy()
    Image.fromarray(pixels).save(os.path.join(args.dir, "image.png"))


def load(logdir, *parts):
    """The modules named by parts ("first_stage_model.", "transformer."),
    loaded strictly from the log directory's checkpoint."""
    sd = torch.load(os.path.join(logdir, "checkpoints", "last.ckpt"), map_location="cpu")["state_dict"]
    out = []
    for prefix in parts:
        m = tt.VQModel(F16, N_EMBED, EMBED_DIM) if prefix == "first_stage_model." else tt.GPT(**GPT_CFG)
        m.load_state_dict({k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}, strict=True)
        out.append(m.eval())
    return out


def save_image(vq, idx, path):
    """Decode token indices [1,H,W] and write the image as taming's scripts do."""
    x = vq.decode(vq.quantize.lookup(idx))[0].clamp(-1, 1)
    pixels = ((x + 1) * 127.5).round().to(torch.uint8).permute(1, 2, 0).numpy()
    Image.fromarray(pixels).save(path)


def decode(args):
    vq, = load(args.dir, "first_stage_model.")
    with open(args.input) as f:
        g = json.load(f)
    save_image(vq, torch.tensor(g["codes"]).reshape(1, g["height"], g["width"]), args.out)


def encode(args):
    vq, = load(args.dir, "first_stage_model.")
    pixels = np.asarray(Image.open(args.input).convert("RGB"), dtype=np.float32) / 127.5 - 1
    idx = vq.encode_indices(torch.from_numpy(pixels).permute(2, 0, 1)[None])
    with open(args.out, "w") as f:
        json.dump({"width": idx.shape[2], "height": idx.shape[1], "codes": idx.reshape(-1).tolist()}, f)


def sample(args):
    vq, gpt = load(args.dir, "first_stage_model.", "transformer.")
    gen = torch.Generator().manual_seed(args.seed)
    sos = torch.zeros(1, 1, dtype=torch.long)
    idx = tt.sample_with_past(sos, gpt, GRID * GRID, top_k=TOP_K, generator=gen)
    save_image(vq, idx.reshape(1, GRID, GRID), args.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make")
    p.add_argument("dir")
    p.add_argument("--seed", type=int, default=0)
    for name in ("decode", "encode"):
        p = sub.add_parser(name)
        p.add_argument("dir")
        p.add_argument("input")
        p.add_argument("out")
    p = sub.add_parser("sample")
    p.add_argument("dir")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if "OMP_NUM_THREADS" in os.environ:
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    with torch.no_grad():
        {"make": make, "decode": decode, "encode": encode, "sample": sample}[args.command](args)


if __name__ == "__main__":
    main()
