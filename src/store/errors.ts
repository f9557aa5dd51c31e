// store/errors.ts: the layer store's error classes, each with a stable code. Tests assert the
// class and the code; `details` carries the layer, model, rank or file concerned. Each is
// registered with the runtime's wire errors, so it crosses threads and ranks as itself.

import { GraftError, InvalidArgumentError } from '../errors.js';
import { registerErrorClass } from '../runtime/index.js';

/** A store or index option, or an argument to one of their methods, is not acceptable. */
export class StoreOptionError extends InvalidArgumentError {
  override readonly code: string = 'ERR_STORE_OPTION';
}

/** Bytes whose CRC-32C differs from the checksum recorded for them: never loaded. */
export class ChecksumMismatchError extends GraftError {
  override readonly code: string = 'ERR_CHECKSUM_MISMATCH';
}

/** A model id is already stored on this rank. */
export class DuplicateModelError extends GraftError {
  override readonly code: string = 'ERR_DUPLICATE_MODEL';
}

/** A layer's bytes could not be had from any source (memory, peer, spill file). */
export class LayerUnavailableError extends GraftError {
  override readonly code: string = 'ERR_LAYER_UNAVAILABLE';
}

/** A spill file is missing, truncated or does not describe the layer asked for. */
export class SpillFileError extends GraftError {
  override readonly code: string = 'ERR_SPILL_FILE';
}

/** A gossip message that cannot be decoded or speaks another protocol version. */
export class GossipProtocolError extends GraftError {
  override readonly code: string = 'ERR_GOSSIP_PROTOCOL';
}

for (const cls of [StoreOptionError, ChecksumMismatchError, DuplicateModelError, LayerUnavailableError, SpillFileError, GossipProtocolError]) registerErrorClass(cls);
