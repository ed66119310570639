#!/usr/bin/python3
"""Check that taming loads what `tessera export` writes.

  check_export.py [--moments-are-weights] DIR [DIR ...]

For each exported log directory: torch.load(DIR/checkpoints/last.ckpt) with
plain torch (no Lightning, no stand-in classes), the Lightning 1.0.8 layout
(epoch, global_step, pytorch-lightning_version, callbacks, state_dict,
optimizer_states, lr_schedulers), float32 and int64 tensors only; then the
model DIR/configs/model.yaml describes, built from taming_torch.py as
taming's instantiate_from_config would (a VQModel with its loss module, or
a Net2NetTransformer with first_stage_model, cond_stage_model and
transformer), takes the state_dict with load_state_dict(strict=True), and
runs a forward pass. Optimizer states, when present, must load into the
optimizers taming's configure_optimizers builds, with moments shaped like
their parameters; --moments-are-weights (for exports of test runs whose
trainer moments were set to the weights themselves) also checks that each
exp_avg sits at its own parameter's index, i.e. the parameter order is
taming's. Prints what it checked; exits 1 on any mismatch.
Run: /usr/bin/python3 scripts/bench/check_export.py DIR...
"""
import collections
import glob
import os
import sys

import torch
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taming_torch as tt  # noqa: E402

VQ_TARGETS = ("taming.models.vqgan.VQModel", "taming.models.vqgan.VQSegmentationModel")
NET2NET = "taming.models.cond_transformer.Net2NetTransformer"
GPT = "taming.modules.transformer.mingpt.GPT"
IDENTITY = "taming.modules.transformer.permuter.Identity"
VQLPIPS = "taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator"
PLAIN_LOSSES = ("taming.modules.losses.DummyLoss", "taming.modules.losses.vqperceptual.DummyLoss",
                "taming.modules.losses.segmentation.BCELossWithQuant")
LABELATOR = "taming.modules.util.Labelator"
SOS = "taming.modules.util.SOSProvider"


class Mismatch(Exception):
    pass


def expect(ok, what):
    if not ok:
        raise Mismatch(what)


def build_vq(target, params):
    """VQModel / VQSegmentationModel with the modules its lossconfig registers."""
    expect(target in VQ_TARGETS, f"first stage target {target} is not one this check builds")
    loss_cfg = params.get("lossconfig", {})
    lt = loss_cfg.get("target")
    if lt == VQLPIPS:
        loss = tt.VQLPIPSWithDiscriminator(**(loss_cfg.get("params") or {}))
    else:
        expect(lt in PLAIN_LOSSES, f"loss target {lt} is not one this check builds")
        loss = None
    nlabels = params.get("colorize_nlabels")
    if target.endswith("VQSegmentationModel"):
        expect(nlabels is None, "VQSegmentationModel registers colorize itself; colorize_nlabels would clash")
        nlabels = params["n_labels"]
    return tt.VQModel(params["ddconfig"], params["n_embed"], params["embed_dim"], loss=loss,
                      colorize_nlabels=nlabels)


class Net2Net(torch.nn.Module):
    """Net2NetTransformer's modules: first_stage_model, cond_stage_model (a VQ
    model, the first stage itself, or none), permuter (Identity), transformer."""

    def __init__(self, params):
        super().__init__()
        fs = params["first_stage_config"]
        self.first_stage_model = build_vq(fs["target"], fs["params"])
        cs = params["cond_stage_config"]
        if cs == "__is_first_stage__":
            self.cond_stage_model = self.first_stage_model
        elif cs == "__is_unconditional__":
            pass
        else:
            if cs["target"] not in (LABELATOR, SOS):
                self.cond_stage_model = build_vq(cs["target"], cs["params"])
        perm = params.get("permuter_config", {"target": IDENTITY})
        expect(perm["target"] == IDENTITY, f"permuter {perm['target']}")
        tc = params["transformer_config"]
        expect(tc["target"] == GPT, f"transformer target {tc['target']}")
        self.transformer = tt.GPT(**tc["params"])
        self.tc = tc["params"]


def build(section):
    target, params = section["target"], section["params"]
    expect(isinstance(section.get("base_learning_rate"), float),
           f"base_learning_rate {section.get('base_learning_rate')!r} is not a float")
    if target == NET2NET:
        return Net2Net(params)
    return build_vq(target, params)


def smoke(model, section):
    """One forward pass, to show the loaded modules compute."""
    with torch.no_grad():
        if isinstance(model, Net2Net):
            tc = model.tc
            idx = torch.randint(0, tc["vocab_size"], (1, tc["block_size"]))
            logits = model.transformer.eval()(idx)
            expect(torch.isfinite(logits).all(), "transformer logits are not finite")
            return f"transformer forward {tuple(logits.shape)}"
        dd = section["params"]["ddconfig"]
        x = torch.rand(1, dd["in_channels"], dd["resolution"], dd["resolution"]) * 2 - 1
        rec, _ = model.eval()(x)
        expect(tuple(rec.shape) == (1, dd["out_ch"]) + tuple(x.shape[2:]), f"reconstruction {tuple(rec.shape)}")
        what = f"reconstruction {tuple(rec.shape)}"
        if hasattr(model, "loss"):
            lp = model.loss.perceptual_loss(x[:, :3], rec[:, :3])
            logits = model.loss.discriminator(rec)
            expect(torch.isfinite(lp).all() and torch.isfinite(logits).all(), "loss networks are not finite")
            what += f", LPIPS {lp.flatten().tolist()}, discriminator {tuple(logits.shape)}"
        return what


def taming_optimizers(model, section):
    """The optimizers taming's configure_optimizers returns, over this model."""
    lr = section["base_learning_rate"]
    if isinstance(model, Net2Net):
        return [torch.optim.AdamW(tt.gpt_param_groups(model.transformer), lr=lr, betas=(0.9, 0.95))]
    opts = [torch.optim.Adam(model.autoencoder_parameters(), lr=lr, betas=(0.5, 0.9))]
    if hasattr(model, "loss"):
        opts.append(torch.optim.Adam(model.loss.discriminator.parameters(), lr=lr, betas=(0.5, 0.9)))
    return opts


def check_optimizers(model, section, states, moments_are_weights):
    if not states:
        return "optimizer_states: [] (a resumed run starts its optimizers afresh)"
    opts = taming_optimizers(model, section)
    expect(len(states) == len(opts), f"{len(states)} optimizer states, taming has {len(opts)} optimizers")
    for i, (opt, st) in enumerate(zip(opts, states)):
        opt.load_state_dict(st)  # checks group count and sizes
        plist = [p for g in opt.param_groups for p in g["params"]]
        for j, p in enumerate(plist):
            s = opt.state.get(p)
            expect(s is not None, f"optimizer {i}: no state for parameter {j}")
            for k in ("exp_avg", "exp_avg_sq"):
                expect(s[k].shape == p.shape, f"optimizer {i} parameter {j}: {k} {tuple(s[k].shape)} vs {tuple(p.shape)}")
            if moments_are_weights:
                expect(torch.equal(s["exp_avg"], p.detach()), f"optimizer {i}: the state at index {j} is another parameter's")
    return f"optimizer_states: {len(states)} load into taming's optimizers ({', '.join(str(sum(len(g['params']) for g in o.param_groups)) for o in opts)} parameters)"


def check_dir(d, moments_are_weights):
    ck = torch.load(os.path.join(d, "checkpoints", "last.ckpt"), map_location="cpu")
    want = {"epoch": int, "global_step": int, "pytorch-lightning_version": str, "callbacks": dict,
            "state_dict": collections.OrderedDict, "optimizer_states": list, "lr_schedulers": list}
    for k, ty in want.items():
        expect(isinstance(ck.get(k), ty), f"checkpoint entry {k} is {type(ck.get(k)).__name__}, want {ty.__name__}")
    sd = ck["state_dict"]
    bad = [k for k, v in sd.items() if v.dtype not in (torch.float32, torch.int64)]
    expect(not bad, f"tensors neither float32 nor int64: {bad[:3]}")
    print(f"  torch.load: epoch {ck['epoch']}, global_step {ck['global_step']}, "
          f"Lightning {ck['pytorch-lightning_version']}, {len(sd)} tensors (float32/int64)")

    cfg = {}
    for p in sorted(glob.glob(os.path.join(d, "configs", "*.yaml"))):
        with open(p) as f:
            cfg.update(yaml.safe_load(f))
    section = cfg["model"]
    model = build(section)
    model.load_state_dict(sd, strict=True)  # raises on missing, unexpected or misshapen keys
    print(f"  {section['target']}: load_state_dict(strict=True) of {len(sd)} tensors")
    for k, v in model.state_dict().items():
        expect(torch.equal(v, sd[k].to(v.dtype)), f"{k} changed on loading")
    print("  " + smoke(model, section))
    print("  " + check_optimizers(model, section, ck["optimizer_states"], moments_are_weights))


def main():
    args = sys.argv[1:]
    moments_are_weights = "--moments-are-weights" in args
    dirs = [a for a in args if a != "--moments-are-weights"]
    if not dirs or any(a.startswith("-") for a in dirs):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    torch.manual_seed(0)
    failed = 0
    for d in dirs:
        print(d)
        try:
            check_dir(d, moments_are_weights)
            print("  ok")
        except (Mismatch, RuntimeError, KeyError, TypeError, ValueError, OSError) as e:
            print(f"  FAIL: {type(e).__name__}: {e}")
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
