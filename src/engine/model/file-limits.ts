/**
 * Byte limits on files a user hands to HeadFlow, shared by the browser (checked on the
 * File's size) and the CLI (checked with fstat before a byte is read).
 */

/** The largest image file accepted: far above any photo a VLM needs, far below memory. */
export const MAX_IMAGE_FILE_BYTES = 200 * 1024 * 1024;

/** The largest JSON file read (imported results, image lists, shards to merge). */
export const MAX_JSON_FILE_BYTES = 200 * 1024 * 1024;
