"""Plain-PyTorch models for the speed comparison (and the architecture check).

Written from /work/shared/reference/taming-spec.md (sections 1.1-1.3, 1.6,
2.1, 2.3, 3.1, 4.1-4.4), not copied from taming-transformers. Module
attribute names follow taming's state_dict keys exactly, so a taming
checkpoint loads with strict key matching:

  VQModel:  encoder.*, decoder.*, quantize.embedding.weight, quant_conv.*,
            post_quant_conv.*, and with a loss module loss.*
  VQLPIPSWithDiscriminator: perceptual_loss.{scaling_layer.{shift,scale},
            net.slice1..5.<i>.*, lin0..4.model.1.weight},
            discriminator.main.<i>.* (BatchNorm or ActNorm)
  GPT:      pos_emb, tok_emb.weight, blocks.{l}.{ln1,ln2,attn.*,mlp.*},
            ln_f.*, head.weight

Also here: a safetensors reader and a checkpoint loader that tolerates the
pickled Lightning / omegaconf objects of a taming log directory.
"""
import json
import math
import pickle
import struct
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------
# First stage: building blocks (spec 1.1)

def swish(x):
    return x * torch.sigmoid(x)


def Normalize(c):
    return nn.GroupNorm(num_groups=32, num_channels=c, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    """h = conv1(swish(norm1(x))); h = conv2(swish(norm2(h))); x(+1x1) + h.
    temb_channels is 0 in the Encoder/Decoder, so there is no temb_proj."""

    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.in_channels, self.out_channels = in_ch, out_ch
        self.norm1 = Normalize(in_ch)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, 1, 1)
        self.norm2 = Normalize(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, 1, 1)
        if in_ch != out_ch:
            self.nin_shortcut = nn.Conv2d(in_ch, out_ch, 1, 1, 0)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))  # dropout is 0 in every config
        if self.in_channels != self.out_channels:
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    """Single-head spatial self-attention with 1x1-conv projections."""

    def __init__(self, c):
        super().__init__()
        self.norm = Normalize(c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        b, c, hh, ww = q.shape
        q = q.reshape(b, c, hh * ww).permute(0, 2, 1)      # [B, HW, C]
        k = k.reshape(b, c, hh * ww)                       # [B, C, HW]
        w = torch.bmm(q, k) * (c ** -0.5)                  # [B, HW(i), HW(j)]
        w = F.softmax(w, dim=2)                            # over keys j
        v = v.reshape(b, c, hh * ww)
        out = torch.bmm(v, w.permute(0, 2, 1))             # out[c,i] = sum_j v[c,j] w[i,j]
        return x + self.proj_out(out.reshape(b, c, hh, ww))


class Downsample(nn.Module):
    """Zero pad (left 0, right 1, top 0, bottom 1), then 3x3 conv stride 2."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0.0))


class Upsample(nn.Module):
    """Nearest-neighbour x2, then 3x3 conv stride 1 pad 1."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class _Level(nn.Module):
    """One resolution level: .block, .attn (ModuleLists), optional resampler."""

    def __init__(self):
        super().__init__()
        self.block = nn.ModuleList()
        self.attn = nn.ModuleList()


class _Mid(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block_1 = ResnetBlock(c, c)
        self.attn_1 = AttnBlock(c)
        self.block_2 = ResnetBlock(c, c)

    def forward(self, h):
        return self.block_2(self.attn_1(self.block_1(h)))


# ---------------------------------------------------------------------------
# Encoder / Decoder (spec 1.2, 1.3)

class Encoder(nn.Module):
    def __init__(self, *, ch, ch_mult, num_res_blocks, attn_resolutions,
                 in_channels, resolution, z_channels, double_z=True, **_ignored):
        super().__init__()
        L = len(ch_mult)
        self.conv_in = nn.Conv2d(in_channels, ch, 3, 1, 1)
        in_ch_mult = (1,) + tuple(ch_mult)
        curr_res = resolution  # static: from the config, not the input size
        self.down = nn.ModuleList()
        for i in range(L):
            level = _Level()
            block_in, block_out = ch * in_ch_mult[i], ch * ch_mult[i]
            for _ in range(num_res_blocks):
                level.block.append(ResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    level.attn.append(AttnBlock(block_in))
            if i != L - 1:
                level.downsample = Downsample(block_in)
                curr_res //= 2
            self.down.append(level)
        self.mid = _Mid(block_in)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, 2 * z_channels if double_z else z_channels, 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for level in self.down:
            for j, block in enumerate(level.block):
                h = block(h)
                if len(level.attn) > 0:
                    h = level.attn[j](h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid(h)
        return self.conv_out(swish(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, *, ch, out_ch, ch_mult, num_res_blocks, attn_resolutions,
                 resolution, z_channels, **_ignored):
        super().__init__()
        L = len(ch_mult)
        block_in = ch * ch_mult[L - 1]
        curr_res = resolution // 2 ** (L - 1)
        self.conv_in = nn.Conv2d(z_channels, block_in, 3, 1, 1)
        self.mid = _Mid(block_in)
        levels = []  # built from the lowest resolution (L-1) up to 0
        for i in reversed(range(L)):
            level = _Level()
            block_out = ch * ch_mult[i]
            for _ in range(num_res_blocks + 1):
                level.block.append(ResnetBlock(block_in, block_out))
                block_in = block_out
                if curr_res in attn_resolutions:
                    level.attn.append(AttnBlock(block_in))
            if i != 0:
                level.upsample = Upsample(block_in)
                curr_res *= 2
            levels.insert(0, level)
        self.up = nn.ModuleList(levels)  # up.0 = full resolution
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, out_ch, 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for i in reversed(range(len(self.up))):
            level = self.up[i]
            for j, block in enumerate(level.block):
                h = block(h)
                if len(level.attn) > 0:
                    h = level.attn[j](h)
            if i != 0:
                h = level.upsample(h)
        return self.conv_out(swish(self.norm_out(h)))  # no tanh / clamp


class Quantize(nn.Module):
    """VectorQuantizer2: nearest-codebook lookup; forward is the training
    path (legacy loss, straight-through estimator)."""

    def __init__(self, n_embed, embed_dim, beta=0.25):
        super().__init__()
        self.beta = beta
        self.embedding = nn.Embedding(n_embed, embed_dim)
        self.embedding.weight.data.uniform_(-1.0 / n_embed, 1.0 / n_embed)

    def forward(self, z):
        """z [B,C,H,W] -> (z_q with the encoder's gradient, codebook loss, flat indices).
        legacy=True: commitment term weight 1, codebook term weight beta."""
        idx = self.indices(z).reshape(-1)
        zq = self.lookup(idx.reshape(z.shape[0], z.shape[2], z.shape[3]))
        loss = torch.mean((zq.detach() - z) ** 2) + self.beta * torch.mean((zq - z.detach()) ** 2)
        return z + (zq - z).detach(), loss, idx

    def indices(self, z):
        """z [B,C,H,W] -> argmin indices [B,H,W]."""
        b, c, h, w = z.shape
        zf = z.permute(0, 2, 3, 1).reshape(-1, c)
        e = self.embedding.weight
        d = (zf ** 2).sum(1, keepdim=True) + (e ** 2).sum(1) - 2.0 * zf @ e.t()
        return torch.argmin(d, dim=1).reshape(b, h, w)

    def lookup(self, idx):
        """indices [B,H,W] -> z_q [B,C,H,W]."""
        return self.embedding(idx).permute(0, 3, 1, 2).contiguous()


class VQModel(nn.Module):
    """encoder, decoder, quantize, quant_conv, post_quant_conv; loss (a
    module with weights, or None for taming's DummyLoss and BCELossWithQuant);
    colorize [3, n, 1, 1] when colorize_nlabels is given (VQSegmentationModel
    always has it)."""

    def __init__(self, ddconfig, n_embed, embed_dim, loss=None, colorize_nlabels=None):
        super().__init__()
        self.encoder = Encoder(**ddconfig)
        self.decoder = Decoder(**ddconfig)
        if loss is not None:
            self.loss = loss
        self.quantize = Quantize(n_embed, embed_dim)
        self.quant_conv = nn.Conv2d(ddconfig["z_channels"], embed_dim, 1)
        self.post_quant_conv = nn.Conv2d(embed_dim, ddconfig["z_channels"], 1)
        if colorize_nlabels is not None:
            self.register_buffer("colorize", torch.randn(3, colorize_nlabels, 1, 1))

    def autoencoder_parameters(self):
        """opt_ae's parameters, in taming's order."""
        return (list(self.encoder.parameters()) + list(self.decoder.parameters()) +
                list(self.quantize.parameters()) + list(self.quant_conv.parameters()) +
                list(self.post_quant_conv.parameters()))

    def encode_indices(self, x):
        return self.quantize.indices(self.quant_conv(self.encoder(x)))

    def decode(self, zq):
        return self.decoder(self.post_quant_conv(zq))

    def forward(self, x):
        """-> (reconstruction, codebook loss)."""
        zq, qloss, _ = self.quantize(self.quant_conv(self.encoder(x)))
        return self.decode(zq), qloss


# ---------------------------------------------------------------------------
# VQGAN losses (spec 4.1, 4.3, 4.4)

VGG16_WIDTHS = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512)
# LPIPS's five slices of torchvision's vgg16().features, as index ranges
LPIPS_SLICES = ((0, 4), (4, 9), (9, 16), (16, 23), (23, 30))
LPIPS_CHANNELS = (64, 128, 256, 512, 512)


def vgg16_features():
    """torchvision's vgg16().features layer by layer (3x3 convs pad 1,
    in-place ReLUs, 2x2 max pools), without torchvision."""
    layers, c = [], 3
    for w in VGG16_WIDTHS:
        if w == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, w, 3, 1, 1), nn.ReLU(inplace=True)]
            c = w
    return layers


class ScalingLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("shift", torch.tensor([-.030, -.088, -.188])[None, :, None, None])
        self.register_buffer("scale", torch.tensor([.458, .448, .450])[None, :, None, None])

    def forward(self, x):
        return (x - self.shift) / self.scale


class VGG16Slices(nn.Module):
    """slice1..5, each an nn.Sequential keyed by the layer's index in features."""

    def __init__(self):
        super().__init__()
        feats = vgg16_features()
        for s, (a, b) in enumerate(LPIPS_SLICES):
            sl = nn.Sequential()
            for i in range(a, b):
                sl.add_module(str(i), feats[i])
            setattr(self, f"slice{s + 1}", sl)

    def forward(self, x):
        outs = []
        for s in range(len(LPIPS_SLICES)):
            x = getattr(self, f"slice{s + 1}")(x)
            outs.append(x)
        return outs


class NetLinLayer(nn.Module):
    """Dropout, then a 1x1 conv to one channel without bias (model.1)."""

    def __init__(self, c):
        super().__init__()
        self.model = nn.Sequential(nn.Dropout(), nn.Conv2d(c, 1, 1, 1, 0, bias=False))


def _unit_channels(x, eps=1e-10):
    return x / (torch.sqrt(torch.sum(x ** 2, dim=1, keepdim=True)) + eps)


class LPIPS(nn.Module):
    """Frozen perceptual distance: per-slice channel-normalised feature
    differences, weighted by lin<k>, averaged over space, summed. -> [B,1,1,1]."""

    def __init__(self):
        super().__init__()
        self.scaling_layer = ScalingLayer()
        self.net = VGG16Slices()
        for k, c in enumerate(LPIPS_CHANNELS):
            setattr(self, f"lin{k}", NetLinLayer(c))
        for p in self.parameters():
            p.requires_grad = False

    def forward(self, x, y):
        fx, fy = self.net(self.scaling_layer(x)), self.net(self.scaling_layer(y))
        val = 0
        for k in range(len(LPIPS_CHANNELS)):
            d = (_unit_channels(fx[k]) - _unit_channels(fy[k])) ** 2
            val = val + getattr(self, f"lin{k}").model(d).mean([2, 3], keepdim=True)
        return val


class ActNorm(nn.Module):
    """Per-channel affine, initialised from the first training batch."""

    def __init__(self, c):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.scale = nn.Parameter(torch.ones(1, c, 1, 1))
        self.register_buffer("initialized", torch.tensor(0, dtype=torch.uint8))

    def forward(self, x):
        if self.training and self.initialized.item() == 0:
            with torch.no_grad():
                flat = x.permute(1, 0, 2, 3).reshape(x.shape[1], -1)
                self.loc.copy_(-flat.mean(1)[None, :, None, None])
                self.scale.copy_(1 / (flat.std(1)[None, :, None, None] + 1e-6))
                self.initialized.fill_(1)
        return self.scale * (x + self.loc)


class NLayerDiscriminator(nn.Module):
    """PatchGAN: main.0 conv s2 + LReLU; n_layers-1 more s2 blocks and one
    s1 block of conv (bias only with ActNorm), norm, LReLU; a final conv to
    one channel. Convs N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0."""

    def __init__(self, input_nc=3, ndf=64, n_layers=3, use_actnorm=False):
        super().__init__()
        norm = ActNorm if use_actnorm else nn.BatchNorm2d
        seq = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers + 1):
            prev, mult = mult, min(2 ** n, 8)
            stride = 2 if n < n_layers else 1
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride, 1, bias=use_actnorm),
                    norm(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq.append(nn.Conv2d(ndf * mult, 1, 4, 1, 1))
        self.main = nn.Sequential(*seq)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.main(x)


class VQLPIPSWithDiscriminator(nn.Module):
    """taming's VQGAN objective. forward(optimizer_idx=0) is the generator
    loss (L1 + perceptual, adaptive-weight hinge GAN term, codebook loss),
    optimizer_idx=1 the discriminator's hinge loss on detached inputs, real
    and fake in separate calls. Only hinge and an unconditional D."""

    def __init__(self, disc_start, codebook_weight=1.0, pixelloss_weight=1.0, disc_num_layers=3,
                 disc_in_channels=3, disc_factor=1.0, disc_weight=1.0, perceptual_weight=1.0,
                 use_actnorm=False, disc_conditional=False, disc_ndf=64, disc_loss="hinge"):
        super().__init__()
        if disc_conditional or disc_loss != "hinge":
            raise ValueError("taming_torch: only an unconditional discriminator with the hinge loss")
        self.codebook_weight = codebook_weight
        self.perceptual_loss = LPIPS().eval()
        self.perceptual_weight = perceptual_weight
        self.discriminator = NLayerDiscriminator(disc_in_channels, disc_ndf, disc_num_layers, use_actnorm)
        self.disc_start, self.disc_factor, self.disc_weight = disc_start, disc_factor, disc_weight

    def adaptive_weight(self, nll_loss, g_loss, last_layer):
        nll_grad = torch.autograd.grad(nll_loss, last_layer, retain_graph=True)[0]
        g_grad = torch.autograd.grad(g_loss, last_layer, retain_graph=True)[0]
        w = torch.norm(nll_grad) / (torch.norm(g_grad) + 1e-4)
        return torch.clamp(w, 0.0, 1e4).detach() * self.disc_weight

    def forward(self, codebook_loss, inputs, reconstructions, optimizer_idx, global_step, last_layer):
        disc_factor = self.disc_factor if global_step >= self.disc_start else 0.0
        if optimizer_idx == 0:
            rec = (inputs - reconstructions).abs()
            if self.perceptual_weight > 0:
                rec = rec + self.perceptual_weight * self.perceptual_loss(inputs, reconstructions)
            nll = rec.mean()
            g_loss = -self.discriminator(reconstructions).mean()
            d_weight = self.adaptive_weight(nll, g_loss, last_layer)
            return nll + d_weight * disc_factor * g_loss + self.codebook_weight * codebook_loss.mean()
        real = self.discriminator(inputs.detach())
        fake = self.discriminator(reconstructions.detach())
        return disc_factor * 0.5 * (F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean())


# ---------------------------------------------------------------------------
# Second stage: minGPT (spec 2.1)

class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.n_head = n_head
        self.key = nn.Linear(n_embd, n_embd)
        self.query = nn.Linear(n_embd, n_embd)
        self.value = nn.Linear(n_embd, n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        mask = torch.tril(torch.ones(block_size, block_size))
        self.register_buffer("mask", mask.view(1, 1, block_size, block_size))  # persistent

    def forward(self, x, layer_past=None):
        B, T, C = x.shape
        nh, hs = self.n_head, C // self.n_head
        k = self.key(x).view(B, T, nh, hs).transpose(1, 2)
        q = self.query(x).view(B, T, nh, hs).transpose(1, 2)
        v = self.value(x).view(B, T, nh, hs).transpose(1, 2)
        present = torch.stack((k, v))  # this call's keys/values only
        if layer_past is not None:
            k = torch.cat((layer_past[0], k), dim=-2)
            v = torch.cat((layer_past[1], v), dim=-2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        if layer_past is None:  # the mask is applied only without a cache
            att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), present


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(),
                                 nn.Linear(4 * n_embd, n_embd), nn.Dropout(0.0))

    def forward(self, x, layer_past=None):
        a, present = self.attn(self.ln1(x), layer_past)
        x = x + a
        x = x + self.mlp(self.ln2(x))
        return x, present


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer=12, n_head=8, n_embd=256, **_ignored):
        super().__init__()
        self.block_size = block_size
        self.pos_emb = nn.Parameter(torch.zeros(1, block_size, n_embd))
        self.tok_emb = nn.Embedding(vocab_size, n_embd)
        self.blocks = nn.Sequential(*[Block(n_embd, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.normal_(0.0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()

    def forward(self, idx):
        """Full causal forward: idx [B,t] -> logits [B,t,V]."""
        t = idx.shape[1]
        assert t <= self.block_size
        x = self.tok_emb(idx) + self.pos_emb[:, :t]
        for blk in self.blocks:
            x, _ = blk(x)
        return self.head(self.ln_f(x))

    def forward_with_past(self, idx, past=None, past_length=None):
        """KV-cache forward. past: list of earlier calls' presents, each
        [n_layer, 2, B, nh, T_call, hs]. With past, idx must have length 1."""
        if past is not None:
            past = torch.cat(past, dim=-2)
            assert past.shape[-2] == past_length
            assert idx.shape[1] == 1
            pos = self.pos_emb[:, past_length, :]
        else:
            pos = self.pos_emb[:, :idx.shape[1]]
        x = self.tok_emb(idx) + pos
        presents = []
        for i, blk in enumerate(self.blocks):
            x, present = blk(x, None if past is None else past[i])
            presents.append(present)
        return self.head(self.ln_f(x)), None, torch.stack(presents)


def gpt_param_groups(gpt, weight_decay=0.01):
    """minGPT's optimizer groups as taming's Net2NetTransformer makes them:
    Linear weights decay; biases, LayerNorm and embedding weights and pos_emb
    do not; each group sorted by name."""
    decay, no_decay = set(), set()
    for mn, m in gpt.named_modules():
        for pn, _ in m.named_parameters(recurse=False):
            name = f"{mn}.{pn}" if mn else pn
            (decay if pn == "weight" and isinstance(m, nn.Linear) else no_decay).add(name)
    params = dict(gpt.named_parameters())
    return [{"params": [params[n] for n in sorted(decay)], "weight_decay": weight_decay},
            {"params": [params[n] for n in sorted(no_decay)], "weight_decay": 0.0}]


# ---------------------------------------------------------------------------
# Sampling (spec 2.3, 3.1)

def top_k_top_p_filter(logits, top_k=None, top_p=None):
    """HF top_k_top_p_filtering semantics: keep logits >= k-th largest, then
    (if top_p given) nucleus with the first token past p kept; rest -inf."""
    logits = logits.clone()
    if top_k is not None:
        k = min(max(top_k, 1), logits.shape[-1])
        kth = torch.topk(logits, k)[0][..., -1, None]
        logits[logits < kth] = float("-inf")
    if top_p is not None and 0 <= top_p <= 1:
        sorted_logits, sorted_idx = torch.sort(logits, descending=True)
        cum = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
        remove = cum > top_p
        remove[..., 1:] = remove[..., :-1].clone()  # keep the first token past p
        remove[..., 0] = False
        mask = remove.scatter(-1, sorted_idx, remove)
        logits[mask] = float("-inf")
    return logits


def pick(logits, sample, generator=None):
    """softmax + multinomial (sample) or argmax; logits [B,V] -> [B,1]."""
    probs = F.softmax(logits, dim=-1)
    if sample:
        return torch.multinomial(probs, 1, generator=generator)
    return torch.topk(probs, 1, dim=-1)[1]


def sample_with_past(cond, model, steps, temperature=1.0, sample=True,
                     top_k=None, top_p=None, generator=None):
    """First call feeds the whole cond; then one token per step via the cache.
    Returns only the generated tokens [B, steps]."""
    x, cond_len, past, out = cond, cond.shape[1], None, []
    for n in range(steps):
        if past is None:
            logits, _, present = model.forward_with_past(x)
            past = []
        else:
            logits, _, present = model.forward_with_past(x, past=past, past_length=n + cond_len - 1)
        past.append(present)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            logits = top_k_top_p_filter(logits, top_k, top_p)
        x = pick(logits, sample, generator)
        out.append(x)
    return torch.cat(out, dim=1)


def window_start(i, H, w):
    """Published window placement: clamp(i - w/2, 0, H - w)."""
    return min(max(i - w // 2, 0), H - w)


def sliding_window(model, cidx, idx, w=16, positions=None, temperature=1.0,
                   top_k=None, sample=True, generator=None):
    """The sample_conditional.py loop: for each position in raster order crop
    the w x w window of cond and image tokens, run the full (2*w*w - 1)-token
    forward, take the logits at the local position. cidx, idx: [B,H,W] int64;
    idx is updated in place. positions: stop after that many (None: all)."""
    B, H, W = idx.shape
    n = w * w
    done = 0
    for i in range(H):
        for j in range(W):
            if positions is not None and done >= positions:
                return idx
            i0, j0 = window_start(i, H, w), window_start(j, W, w)
            li, lj = i - i0, j - j0
            patch = idx[:, i0:i0 + w, j0:j0 + w].reshape(B, n)
            cpatch = cidx[:, i0:i0 + w, j0:j0 + w].reshape(B, n)
            seq = torch.cat((cpatch, patch), dim=1)
            logits = model(seq[:, :-1])[:, -n:].reshape(B, w, w, -1)
            logits = logits[:, li, lj, :] / temperature
            if top_k is not None:
                logits = top_k_top_p_filter(logits, top_k)
            idx[:, i, j] = pick(logits, sample, generator)[:, 0]
            done += 1
    return idx


# ---------------------------------------------------------------------------
# Files: safetensors reader and taming checkpoint loader

_ST_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64,
              "I64": np.int64, "I32": np.int32, "U8": np.uint8, "BF16": None}


def read_safetensors(path):
    """8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + hlen])
    data = raw[8 + hlen:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dt = _ST_DTYPES[info["dtype"]]
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=np.dtype(dt).newbyteorder("<")).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(dt))
    return out


class _Stub:
    """Stands in for classes the checkpoint pickles but we do not have
    (pytorch_lightning callbacks, omegaconf DictConfig, ...)."""

    def __init__(self, *args, **kwargs):
        self._args = args

    def __setstate__(self, state):
        self._state = state

    # pickle may also fill the object with SETITEMS / APPENDS
    def __setitem__(self, key, value):
        self.__dict__.setdefault("_items", {})[key] = value

    def append(self, value):
        self.__dict__.setdefault("_list", []).append(value)

    def extend(self, values):
        self.__dict__.setdefault("_list", []).extend(values)


class _TolerantUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return type(name, (_Stub,), {"__module__": module})


# A copy of the pickle module whose Unpickler stubs unknown classes.
_tolerant_pickle = types.ModuleType("pickle")
_tolerant_pickle.__dict__.update(pickle.__dict__)
_tolerant_pickle.Unpickler = _TolerantUnpickler
_tolerant_pickle.load = lambda f, **kw: _TolerantUnpickler(f, **kw).load()


def load_state_dict(ckpt_path):
    """state_dict of a Lightning checkpoint, without pytorch_lightning installed.
    Debian's torch.load ignores its pickle_module argument, so the module
    torch.serialization uses is swapped for the duration of the call."""
    saved = torch.serialization.pickle
    torch.serialization.pickle = _tolerant_pickle
    try:
        ck = torch.load(ckpt_path, map_location="cpu")
    finally:
        torch.serialization.pickle = saved
    return ck["state_dict"]


def sub_state_dict(sd, prefixes, strip=""):
    """Keys starting with one of prefixes, with `strip` removed from the front;
    tensors upcast to float32 (cin_transformer stores float16)."""
    out = {}
    for k, v in sd.items():
        if k.startswith(tuple(prefixes)):
            v = v.float() if v.is_floating_point() else v
            out[k[len(strip):]] = v
    return out
