"""Colour-style augmentation (vision stage, optionally finetune): hue rotation, saturation,
contrast and inversion of whole images, so the encoder has to name an object by its shape
more than by the palette its art style paints it in (the out-of-style sets draw the same
categories in colours no training style uses).

It changes the background's colour too, so an augmented image loses its colour label: the
caller drops those targets: the colour label, and in finetune the colour question's answer
and the background patches' colour word (the two functions at the end). Images are in the
model's normalised space (pixel * 2 - 1), where a rotation about the grey axis (1, 1, 1)
leaves grey pixels, and so the range's centre, where they were.
"""

from __future__ import annotations

import math

import numpy as np
import torch

LUMA = torch.tensor([0.299, 0.587, 0.114])


def hue_rotation(theta: float) -> torch.Tensor:
    """3x3 rotation by theta about the grey axis (Rodrigues' formula with k = (1,1,1)/sqrt 3)."""
    c, s = math.cos(theta), math.sin(theta)
    k = torch.full((3,), 1 / math.sqrt(3), dtype=torch.float64)
    kx = torch.tensor([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]], dtype=torch.float64)
    return (c * torch.eye(3, dtype=torch.float64) + s * kx + (1 - c) * torch.outer(k, k)).float()


def restyle(x: torch.Tensor, theta: float, saturation: float, contrast: float, invert: bool) -> torch.Tensor:
    """One image [3,H,W] in normalised space, recoloured; the result is clamped to [-1, 1]."""
    y = torch.einsum("ij,jhw->ihw", hue_rotation(theta), x)
    grey = torch.einsum("c,chw->hw", LUMA, y)[None]
    y = grey + saturation * (y - grey)
    y = contrast * y
    if invert:
        y = -y
    return y.clamp(-1.0, 1.0)


def apply_to_share(x: torch.Tensor, p: float, rng: np.random.Generator, change) -> tuple[torch.Tensor, np.ndarray]:
    """change(image) applied to each image of [B,3,H,W] with probability p; returns the batch
    (a copy if anything changed) and which images changed."""
    hit = rng.random(len(x)) < p
    if not hit.any():
        return x, hit
    x = x.clone()
    for i in np.nonzero(hit)[0]:
        x[i] = change(x[i])
    return x, hit


def augment_batch(x: torch.Tensor, p: float, rng: np.random.Generator) -> tuple[torch.Tensor, np.ndarray]:
    """Restyle each image of [B,3,H,W] with probability p; returns the batch and which changed."""
    return apply_to_share(
        x,
        p,
        rng,
        lambda image: restyle(
            image,
            theta=float(rng.uniform(0, 2 * math.pi)),
            saturation=float(rng.uniform(0.0, 1.5)),
            contrast=float(rng.uniform(0.7, 1.2)),
            invert=bool(rng.random() < 0.2),
        ),
    )


def drop_restyled_rows(tgt: torch.Tensor, restyled: np.ndarray, per_image: int, row: int) -> torch.Tensor:
    """Targets [B*per_image, T] (image-major rows) with row `row` of each restyled image set
    to the ignore index (-100)."""
    tgt = tgt.clone()
    tgt[torch.from_numpy(np.flatnonzero(restyled) * per_image + row)] = -100
    return tgt


def drop_restyled_background(weight: torch.Tensor, patch_label: torch.Tensor, restyled: np.ndarray) -> torch.Tensor:
    """Patch weights [B,N] with the background patches (label < 0) of restyled images zeroed."""
    return weight * ~(torch.from_numpy(restyled)[:, None] & (patch_label < 0))
