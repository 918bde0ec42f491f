"""The HeadFlow demo VLM (LLaVA-style): conv-stem ViT -> MLP projector -> decoder-only LM.

Everything the exporter and the parity fixtures need lives here:
- `Linear`, `Conv2d`, `Embedding` can carry int8 weights + per-output-channel fp32 scales
  (weight-only quantisation, dequantised in the graph as Cast(int8) * scale);
- the decoder attention takes an optional past key/value cache, an additive attention
  bias, can return its post-softmax probabilities, and (PyTorch only) can substitute the
  keys/values of image positions, as read by later text tokens, per head (head ablation).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG_INF = -1e9
BN_EPS = 1e-3  # 0 disables BatchNorm in the conv stem


@dataclass
class VLMConfig:
    vocab_size: int = 256
    # language model
    d_model: int = 128
    n_layers: int = 8
    n_heads: int = 8
    mlp_ratio: int = 4
    max_positions: int = 128
    # vision encoder
    image_size: int = 64
    patch_size: int = 8
    stem_channels: tuple = (32, 64, 128)
    stem: str = "conv3"  # "conv3": 3x3 convs from full resolution; "patch4" / "patch2": 4x4/4 or 2x2/2 patchify first
    v_dim: int = 128
    v_layers: int = 3
    v_heads: int = 4
    # auxiliary heads (training only, not exported)
    n_categories: int = 2
    n_colors: int = 2
    n_positions: int = 2
    aux: bool = True
    dropout: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def n_img(self) -> int:
        return self.grid * self.grid

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stem_channels"] = list(self.stem_channels)
        return d

    @staticmethod
    def from_dict(d: dict) -> "VLMConfig":
        d = dict(d)
        d["stem_channels"] = tuple(d.get("stem_channels", (32, 64, 128)))
        return VLMConfig(**d)


CONFIGS = {
    # the bundled model
    "base": dict(d_model=128, n_layers=8, n_heads=8, mlp_ratio=4, stem="patch4", stem_channels=(64, 96, 128), v_dim=128, v_layers=3, v_heads=4),
    # first version (run "main" before 20:55 on 2026-11-23): full-resolution 3x3 stem, ~2x slower
    "base-conv3": dict(d_model=128, n_layers=8, n_heads=8, mlp_ratio=4, stem_channels=(32, 64, 128), v_dim=128, v_layers=3, v_heads=4),
    # Candidates probed in session 13 (docs/measurements/v3-encoder-probe.json): 1-2 points
    # ahead of base at equal steps, 1.4-2.5x the step cost; kept for a machine with a GPU.
    # v3-p2: a deeper, wider vision encoder that sees 2x2 pixels per stem cell
    "v3-p2": dict(d_model=128, n_layers=8, n_heads=8, mlp_ratio=4, stem="patch2", stem_channels=(48, 96, 192), v_dim=192, v_layers=4, v_heads=6),
    # v3-res: residual stem from 2x2 pixels per cell, base's ViT
    "v3-res": dict(d_model=128, n_layers=8, n_heads=8, mlp_ratio=4, stem="res", stem_channels=(32, 64, 128), v_dim=128, v_layers=3, v_heads=4),
    # CI smoke: fast, still plain multi-head attention
    "tiny": dict(d_model=32, n_layers=2, n_heads=4, mlp_ratio=2, stem="patch4", stem_channels=(8, 16, 32), v_dim=32, v_layers=1, v_heads=2),
}


# ---------------------------------------------------------------------------------------
# Quantisable layers: fp32 `weight` while training; after `quantize_()` they hold
# `qweight` (int8) and `wscale` (fp32, one per output channel) and compute
# W = qweight.float() * wscale in forward (so ONNX gets Cast + Mul).


def _quantize_rows(w: torch.Tensor):
    flat = w.detach().reshape(w.shape[0], -1)
    amax = flat.abs().amax(dim=1).clamp(min=1e-8)
    scale = amax / 127.0
    q = torch.round(flat / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q.reshape(w.shape), scale.reshape([w.shape[0]] + [1] * (w.dim() - 1)).to(torch.float32)


class QuantMixin:
    def _init_q(self):
        self.quantized = False

    def quantize_(self):
        q, s = _quantize_rows(self.weight)
        self.register_buffer("qweight", q)
        self.register_buffer("wscale", s)
        self.quantized = True

    def dequantize_(self):
        """Bake the dequantised weights into fp32 `weight` and drop the int8 copy."""
        if self.quantized:
            self.weight.data = self.qweight.to(torch.float32) * self.wscale
            del self.qweight
            del self.wscale
            self.quantized = False

    def w(self) -> torch.Tensor:
        if self.quantized:
            return self.qweight.to(torch.float32) * self.wscale
        return self.weight


class Linear(nn.Linear, QuantMixin):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._init_q()

    def forward(self, x):
        return F.linear(x, self.w(), self.bias)


class Conv2d(nn.Conv2d, QuantMixin):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._init_q()

    def forward(self, x):
        return F.conv2d(x, self.w(), self.bias, self.stride, self.padding)


class Embedding(nn.Embedding, QuantMixin):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._init_q()

    def forward(self, ids):
        return F.embedding(ids, self.w())


# ---------------------------------------------------------------------------------------
# Vision encoder


class MLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = Linear(d, hidden)
        self.fc2 = Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class ViTBlock(nn.Module):
    def __init__(self, d, heads, mlp_ratio=4):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = Linear(d, 3 * d)
        self.proj = Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = MLP(d, mlp_ratio * d)
        self.heads = heads

    def forward(self, x):
        B, N, D = x.shape
        h = self.ln1(x)
        qkv = self.qkv(h).reshape(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D // self.heads), dim=-1)
        o = (a @ v).transpose(1, 2).reshape(B, N, D)
        x = x + self.proj(o)
        return x + self.mlp(self.ln2(x))


class ChannelLN(nn.Module):
    """LayerNorm over the channels of each pixel (NCHW in, NCHW out)."""

    def __init__(self, c):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=1e-5)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvBN(nn.Module):
    """Conv 3x3 + per-pixel channel LayerNorm + GELU. (BatchNorm made the stem's gradients
    explode on this data; LN is per sample, so it also needs no folding at export.)"""

    def __init__(self, cin, cout, stride, act=True, kernel=3):
        super().__init__()
        self.conv = Conv2d(cin, cout, kernel, stride=stride, padding=(kernel - 1) // 2 if kernel == 3 else 0, bias=True)
        self.norm = ChannelLN(cout)
        self.act = act

    def fold_bn_(self):
        pass

    def forward(self, x):
        x = self.norm(self.conv(x))
        return F.gelu(x) if self.act else x


class ResBlock(nn.Module):
    """Two 3x3 ConvBN with a skip (ResNet's basic block, channel LayerNorm for BatchNorm).
    The second norm's gain starts at zero, so each block starts as the identity (the
    zero-init trick of residual nets for training deeper stacks)."""

    def __init__(self, c):
        super().__init__()
        self.a = ConvBN(c, c, 1)
        self.b = ConvBN(c, c, 1, act=False)
        nn.init.zeros_(self.b.norm.ln.weight)

    def forward(self, x):
        return F.gelu(x + self.b(self.a(x)))


class VisionEncoder(nn.Module):
    """Hybrid ViT: a conv stem downsamples 64x64 to the 8x8 patch grid, then ViT blocks."""

    def __init__(self, cfg: VLMConfig):
        super().__init__()
        c1, c2, c3 = cfg.stem_channels
        n_down = int(round(math.log2(cfg.patch_size)))
        assert 2**n_down == cfg.patch_size
        if cfg.stem == "patch4":
            # 4x4/4 patchify (64 -> 16), 3x3 at 16x16, 3x3/2 (16 -> 8), 3x3 at 8x8
            assert cfg.patch_size == 8
            layers = [ConvBN(3, c1, 4, kernel=4), ConvBN(c1, c2, 1), ConvBN(c2, c3, 2), ConvBN(c3, c3, 1)]
            cin = c3
        elif cfg.stem == "patch2":
            # 2x2/2 patchify (64 -> 32) keeps twice the resolution for small objects:
            # 3x3 at 32x32, 3x3/2 (32 -> 16), 3x3 at 16x16, 3x3/2 (16 -> 8), 3x3 at 8x8
            assert cfg.patch_size == 8
            layers = [ConvBN(3, c1, 2, kernel=2), ConvBN(c1, c1, 1), ConvBN(c1, c2, 2), ConvBN(c2, c2, 1), ConvBN(c2, c3, 2), ConvBN(c3, c3, 1)]
            cin = c3
        elif cfg.stem == "res":
            # 2x2/2 patchify (64 -> 32), then a residual block at each of 32, 16 and 8
            assert cfg.patch_size == 8
            layers = [ConvBN(3, c1, 2, kernel=2), ResBlock(c1), ConvBN(c1, c2, 2), ResBlock(c2), ConvBN(c2, c3, 2), ResBlock(c3)]
            cin = c3
        else:
            chans = [c1, c2, c3][:n_down]
            while len(chans) < n_down:
                chans.append(c3)
            layers = [ConvBN(3, c1, 1)]
            cin = c1
            for c in chans:
                layers += [ConvBN(cin, c, 2), ConvBN(c, c, 1)]
                cin = c
        self.stem = nn.Sequential(*layers)
        self.to_tokens = Linear(cin, cfg.v_dim)
        self.pos = nn.Parameter(torch.randn(1, cfg.n_img, cfg.v_dim) * 0.02)
        self.blocks = nn.ModuleList([ViTBlock(cfg.v_dim, cfg.v_heads) for _ in range(cfg.v_layers)])
        self.ln = nn.LayerNorm(cfg.v_dim)

    def forward(self, pixel_values):
        f = self.stem(pixel_values)  # [B, C, g, g]
        x = f.flatten(2).transpose(1, 2)  # [B, g*g, C] row-major patches
        x = self.to_tokens(x) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.ln(x)


class Projector(nn.Module):
    def __init__(self, cfg: VLMConfig):
        super().__init__()
        self.fc1 = Linear(cfg.v_dim, 2 * cfg.d_model)
        self.fc2 = Linear(2 * cfg.d_model, cfg.d_model)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


# ---------------------------------------------------------------------------------------
# Language model


class Attention(nn.Module):
    def __init__(self, cfg: VLMConfig):
        super().__init__()
        self.h = cfg.n_heads
        self.dh = cfg.head_dim
        d = cfg.d_model
        self.q = Linear(d, d)
        self.k = Linear(d, d)
        self.v = Linear(d, d)
        self.o = Linear(d, d)

    def split(self, x):
        B, T, _ = x.shape
        return x.reshape(B, T, self.h, self.dh).transpose(1, 2)  # [B,H,T,dh]

    def forward(self, x, add_mask, past_k=None, past_v=None, bias=None, want_probs=False, sub=None):
        """x [B,T,D]; add_mask [B,1|H,T,S] additive; past [B,H,P,dh]; bias [B,H,T,S].

        sub (PyTorch-only head ablation, whole sequence, no past): dict with
          k, v: [B,H,T,dh] substitute keys/values (e.g. from the baseline image's run),
          heads: bool [H] which heads are ablated,
          img: (start, end) image positions, q_from: first query position affected.
        """
        q = self.split(self.q(x))
        k = self.split(self.k(x))
        v = self.split(self.v(x))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        scale = 1.0 / math.sqrt(self.dh)
        s = (q @ k.transpose(-1, -2)) * scale + add_mask
        if bias is not None:
            s = s + bias
        if sub is None:
            p = torch.softmax(s, dim=-1)
            o = p @ v
        else:
            B, H, T, _ = q.shape
            a, b = sub["img"]
            sel = torch.zeros(H, T, T, dtype=torch.bool, device=x.device)
            sel[:, sub["q_from"] :, a:b] = True
            sel = sel & sub["heads"].view(H, 1, 1)
            s_sub = (q @ sub["k"].transpose(-1, -2)) * scale + add_mask
            if bias is not None:
                s_sub = s_sub + bias
            s = torch.where(sel, s_sub, s)
            p = torch.softmax(s, dim=-1)
            zero = torch.zeros((), dtype=p.dtype)
            o = torch.where(sel, zero, p) @ v + torch.where(sel, p, zero) @ sub["v"]
        B, H, T, _ = o.shape
        out = self.o(o.transpose(1, 2).reshape(B, T, H * self.dh))
        return out, present, (p if want_probs else None)


class DecoderLayer(nn.Module):
    def __init__(self, cfg: VLMConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg.d_model, cfg.mlp_ratio * cfg.d_model)

    def forward(self, x, add_mask, past_k=None, past_v=None, bias=None, want_probs=False, sub=None):
        a, present, p = self.attn(self.ln1(x), add_mask, past_k, past_v, bias, want_probs, sub)
        x = x + a
        x = x + self.mlp(self.ln2(x))
        return x, present, p


def build_additive_mask(attention_mask, T: int, P, dtype=torch.float32):
    """attention_mask [B,S] (1 = real) -> additive [B,1,T,S]: causal and padding."""
    S = attention_mask.shape[1]
    qi = torch.arange(T).unsqueeze(1) + P  # absolute position of each query
    kj = torch.arange(S).unsqueeze(0)
    causal = kj <= qi  # [T,S]
    allowed = causal.unsqueeze(0).unsqueeze(0) & (attention_mask[:, None, None, :] > 0)
    zero = torch.zeros((), dtype=dtype)
    neg = torch.full((), NEG_INF, dtype=dtype)
    return torch.where(allowed, zero, neg)


class LanguageModel(nn.Module):
    def __init__(self, cfg: VLMConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = Embedding(cfg.vocab_size, cfg.d_model)
        self.pos = Embedding(cfg.max_positions, cfg.d_model)
        self.layers = nn.ModuleList([DecoderLayer(cfg) for _ in range(cfg.n_layers)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = Linear(cfg.d_model, cfg.vocab_size, bias=False)
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def forward(self, inputs_embeds, attention_mask, position_ids, past=None, biases=None, want_probs=False, subs=None):
        """Returns logits, presents [(k,v)], probs [p|None]."""
        T = inputs_embeds.shape[1]
        P = past[0][0].shape[2] if past is not None else 0
        add = build_additive_mask(attention_mask, T, P)
        x = inputs_embeds + self.pos(position_ids)
        presents, probs = [], []
        for i, layer in enumerate(self.layers):
            pk, pv = past[i] if past is not None else (None, None)
            b = biases[i] if biases is not None else None
            sb = subs[i] if subs is not None else None
            x, pr, p = layer(x, add, pk, pv, b, want_probs, sb)
            presents.append(pr)
            probs.append(p)
        return self.head(self.ln_f(x)), presents, probs


# ---------------------------------------------------------------------------------------


class VLM(nn.Module):
    def __init__(self, cfg: VLMConfig, image_token_id: int):
        super().__init__()
        self.cfg = cfg
        self.image_token_id = image_token_id
        self.vision = VisionEncoder(cfg)
        self.projector = Projector(cfg)
        self.lm = LanguageModel(cfg)
        if cfg.aux:
            self.aux_patch = nn.Linear(cfg.v_dim, cfg.n_categories + 1)  # +1: background
            self.aux_cat = nn.Linear(cfg.v_dim, cfg.n_categories)
            self.aux_present = nn.Linear(cfg.v_dim, cfg.n_categories)
            self.aux_color = nn.Linear(cfg.v_dim, cfg.n_colors)
            self.aux_pos = nn.Linear(cfg.v_dim, cfg.n_positions)

    # -- pieces as exported
    def image_features(self, pixel_values):
        return self.projector(self.vision(pixel_values))

    def embed_tokens(self, input_ids):
        return self.lm.embed(input_ids)

    def merge(self, input_ids, image_features):
        """Replace the embeddings at image-token positions (exactly N_img per row)."""
        emb = self.embed_tokens(input_ids)
        m = input_ids == self.image_token_id
        emb = emb.clone()
        emb[m] = image_features.reshape(-1, emb.shape[-1]).to(emb.dtype)
        return emb

    def forward_full(self, input_ids, pixel_values=None, image_features=None, attention_mask=None, **kw):
        if image_features is None:
            image_features = self.image_features(pixel_values)
        emb = self.merge(input_ids, image_features)
        B, T = input_ids.shape
        if attention_mask is None:
            attention_mask = torch.ones(B, T, dtype=torch.long)
        pos = torch.arange(T).unsqueeze(0).expand(B, T)
        return self.lm(emb, attention_mask, pos, **kw)

    # -- export helpers
    def fold_bn_(self):
        for m in self.modules():
            if isinstance(m, ConvBN):
                m.fold_bn_()

    def quantize_(self):
        for m in self.modules():
            if isinstance(m, QuantMixin):
                m.quantize_()

    def dequantize_(self):
        for m in self.modules():
            if isinstance(m, QuantMixin):
                m.dequantize_()

    def drop_aux_(self):
        for n in ["aux_patch", "aux_cat", "aux_present", "aux_color", "aux_pos"]:
            if hasattr(self, n):
                delattr(self, n)


def count_params(m: nn.Module, exclude_aux=True) -> int:
    return sum(p.numel() for n, p in m.named_parameters() if not (exclude_aux and n.startswith("aux_")))


def ablation_subs(model: VLM, input_ids, pixel_values, baseline_pixels, head_mask, img_range, q_from):
    """Per-layer `sub` dicts: baseline keys/values from a whole-sequence run on the baseline image.

    head_mask: bool [L,H] (True = ablated). The baseline run uses the same text.
    """
    with torch.no_grad():
        _, presents, _ = model.forward_full(input_ids, pixel_values=baseline_pixels)
    subs = []
    for l, (k, v) in enumerate(presents):
        subs.append(dict(k=k, v=v, heads=head_mask[l].bool(), img=img_range, q_from=q_from))
    return subs
