// runtime/rank-services.ts: the named services a rank's main thread offers to the threads of
// its own rank. A connect makes a fresh MessageChannel, hands one end to the service and the
// other to the asker, so each actor gets a private port carrying structured clone (shared memory
// and transfer lists included). Knows nothing of what a service speaks over its ports.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { RankServiceNotFoundError } from './errors.js';

/**
 * Called on the rank's main thread with the service's end of a new port. The port belongs to
 * the service from then on (it closes it when done). A throw or rejection refuses the connection:
 * the asker's promise rejects with that error.
 */
export type RankServiceHandler = (port: MessagePort) => void | Promise<void>;

export class RankServices {
  readonly #rank: number;
  readonly #handlers = new Map<string, RankServiceHandler>();

  constructor(rank: number) {
    this.#rank = rank;
  }

  /** Registers `name`; the returned function withdraws it (ports already handed out stay open). */
  provide(name: string, onConnect: RankServiceHandler): () => void {
    if (this.#handlers.has(name)) {
      throw new InvalidArgumentError(`rank ${this.#rank} already provides a service named '${name}'`, { details: { option: 'name', name } });
    }
    this.#handlers.set(name, onConnect);
    return () => {
      if (this.#handlers.get(name) === onConnect) this.#handlers.delete(name);
    };
  }

  /** The asker's end of a new port to `name`, once the service has taken its end. */
  async connect(name: string): Promise<MessagePort> {
    const onConnect = this.#handlers.get(name);
    if (!onConnect) {
      throw new RankServiceNotFoundError(`rank ${this.#rank} provides no service named '${name}'`, { details: { name, rank: this.#rank } });
    }
    const { port1: serviceEnd, port2: askerEnd } = new MessageChannel();
    try {
      await onConnect(serviceEnd);
    } catch (err) {
      serviceEnd.close();
      askerEnd.close();
      throw err;
    }
    return askerEnd;
  }
}
