/**
 * The largest message, request body, answer or document read by default: 64 KiB (spec
 * §Verification, step 1). One number for every reader, so a message one part of the SDK signs
 * or accepts is never refused by another for its size.
 */
export const DEFAULT_MAX_BYTES = 65_536
