/**
 * An image at model resolution as a payload carries it: raw RGB rows in base64url, so that
 * a recomputation from a link sees exactly the pixels the original run saw. Used for the
 * analysis's own image and for the trust views' baseline image (trust-link-schema.ts).
 */
import { z } from "zod";

/** Model images are small; anything larger is not ours (and would bloat a link). */
const MAX_IMAGE_SIDE = 512;

export const ModelImageSchema = z
  .object({
    name: z.string().max(500),
    size: z.number().int().min(1).max(MAX_IMAGE_SIDE),
    /** base64url of size x size x 3 bytes, row-major RGB. */
    rgb: z.string().regex(/^[A-Za-z0-9_-]*$/),
  })
  .refine((image) => image.rgb.length === Math.ceil((image.size * image.size * 3 * 4) / 3), {
    message: "the image data does not match its size",
    path: ["rgb"],
  });

export type ModelImage = z.infer<typeof ModelImageSchema>;
