"""Drawing-style augmentation: images redrawn so that only the object's outline and region
layout survive, not its palette or shading (vision stage, optionally finetune).

Colour-style augmentation (vlm.style_aug) maps every pixel through one global colour
transform, so two parts of an object that differ in colour still differ in the same way.
The out-of-style sets draw the same categories with other part colours, other shading and
other line weights; these transforms break those cues too:

- palette remap: each channel through its own random, non-monotone piecewise-linear curve,
  so regions keep their borders but get unrelated colours;
- posterise: each channel cut to 2-4 flat levels (flat-shaded art);
- outline: only the edges (Sobel magnitude of the luma), drawn in one random colour on a
  flat random background (line art);
- stroke weight: a 3x3 max or min filter, per channel (thicker or thinner light regions).

None of them moves a pixel, so patch, position and presence labels stay right; the
background's colour does not, so the caller drops colour targets as for vlm.style_aug.
`warp` is the one that changes shape: a smooth displacement of a pixel or two bends the
outlines (a different hand draws the same object a little differently) and keeps every
label, colour included. Images are in the model's normalised space, [-1, 1].
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from vlm.style_aug import LUMA, apply_to_share

KINDS = ("remap", "posterise", "outline", "stroke")
SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def remap(x: torch.Tensor, knots: np.ndarray) -> torch.Tensor:
    """Channel c of x [3,H,W] through the piecewise-linear curve with values knots[c]
    (K values at K evenly spaced inputs over [-1, 1])."""
    k = knots.shape[1]
    pos = (x.clamp(-1, 1) + 1) / 2 * (k - 1)
    lo = pos.floor().clamp(max=k - 2).long()
    frac = pos - lo
    table = torch.from_numpy(knots).float()
    y = torch.empty_like(x)
    for c in range(3):
        y[c] = table[c][lo[c]] * (1 - frac[c]) + table[c][lo[c] + 1] * frac[c]
    return y


def posterise(x: torch.Tensor, levels: int) -> torch.Tensor:
    """Each channel rounded to `levels` evenly spaced values over [-1, 1]."""
    step = 2 / (levels - 1)
    return (torch.round((x.clamp(-1, 1) + 1) / step) * step - 1).clamp(-1, 1)


def edge_strength(x: torch.Tensor) -> torch.Tensor:
    """Sobel gradient magnitude of the luma of x [3,H,W], scaled to [0, 1] by its maximum
    (an image without edges gives zeros)."""
    luma = torch.einsum("c,chw->hw", LUMA, x)[None, None]
    padded = F.pad(luma, (1, 1, 1, 1), mode="replicate")
    gx = F.conv2d(padded, SOBEL_X[None, None])
    gy = F.conv2d(padded, SOBEL_X.T.contiguous()[None, None])
    mag = torch.sqrt(gx**2 + gy**2)[0, 0]
    top = mag.max()
    return mag / top if top > 0 else mag


def outline(x: torch.Tensor, ink: torch.Tensor, paper: torch.Tensor) -> torch.Tensor:
    """Line drawing of x: each pixel mixes paper and ink [3] colours by its edge strength."""
    e = edge_strength(x)[None]
    return paper[:, None, None] * (1 - e) + ink[:, None, None] * e


def stroke(x: torch.Tensor, thicken: bool) -> torch.Tensor:
    """3x3 max (thicken light regions) or min filter of each channel, edges replicated."""
    padded = F.pad(x[None], (1, 1, 1, 1), mode="replicate")
    if thicken:
        return F.max_pool2d(padded, 3, stride=1)[0]
    return -F.max_pool2d(-padded, 3, stride=1)[0]


def redraw(x: torch.Tensor, kind: str, rng: np.random.Generator) -> torch.Tensor:
    """One image [3,H,W] redrawn by one of KINDS with random parameters."""
    if kind == "remap":
        return remap(x, rng.uniform(-1, 1, size=(3, int(rng.integers(3, 6)))))
    if kind == "posterise":
        return posterise(x, int(rng.integers(2, 5)))
    if kind == "outline":
        ink, paper = (torch.from_numpy(rng.uniform(-1, 1, 3)).float() for _ in range(2))
        return outline(x, ink, paper)
    if kind == "stroke":
        return stroke(x, bool(rng.random() < 0.5))
    raise ValueError(f"unknown redraw kind {kind!r}; choose from {KINDS}")


def redraw_batch(x: torch.Tensor, p: float, rng: np.random.Generator) -> tuple[torch.Tensor, np.ndarray]:
    """Redraw each image of [B,3,H,W] with probability p, by a kind drawn uniformly from
    KINDS; returns the batch and which changed."""
    return apply_to_share(x, p, rng, lambda image: redraw(image, KINDS[int(rng.integers(len(KINDS)))], rng))


def warp(x: torch.Tensor, offsets: np.ndarray) -> torch.Tensor:
    """x [3,H,W] resampled (bilinear, edges replicated) at each pixel plus a smooth
    displacement: offsets [2,g,g] in pixels (x then y) on a coarse g x g grid, upsampled
    bilinearly to H x W. A displacement of d pixels reads the pixel d further on."""
    _, h, w = x.shape
    field = F.interpolate(torch.from_numpy(offsets).float()[None], size=(h, w), mode="bilinear", align_corners=True)[0]
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    gx = (xs + field[0]) / (w - 1) * 2 - 1
    gy = (ys + field[1]) / (h - 1) * 2 - 1
    grid = torch.stack([gx, gy], -1)[None]
    return F.grid_sample(x[None], grid, mode="bilinear", padding_mode="border", align_corners=True)[0]


def warp_batch(x: torch.Tensor, p: float, max_px: float, rng: np.random.Generator) -> tuple[torch.Tensor, np.ndarray]:
    """Warp each image of [B,3,H,W] with probability p by a random smooth field (4 x 4 grid of
    offsets up to max_px pixels): outlines bend, a patch's content moves by at most a
    quarter of an 8-pixel patch at max_px 2, so every label stays right, colour included."""
    return apply_to_share(x, p, rng, lambda image: warp(image, rng.uniform(-max_px, max_px, size=(2, 4, 4))))
