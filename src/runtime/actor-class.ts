// runtime/actor-class.ts: Ray's actor-class shape over spawn(): a module URL and class name
// bound once, `.options()` returning a configured copy, `.spawn(...args)` starting an actor
// with the class's own constructor parameters typed. Needs of its runtime only spawn().

import type { Remote } from './handle.js';
import type { SpawnOptions } from './options.js';

type Constructor = abstract new (...args: any[]) => unknown;

/** What an actor class starts its actors with: Runtime#spawn. */
export interface Spawner {
  spawn<T>(moduleUrl: string | URL, className: string, args: unknown[], options: SpawnOptions): Promise<Remote<T>>;
}

export class ActorClass<C extends Constructor> {
  readonly #runtime: Spawner;
  readonly #moduleUrl: string | URL;
  readonly #className: string;
  readonly #options: SpawnOptions;

  constructor(runtime: Spawner, moduleUrl: string | URL, className: string, options: SpawnOptions = {}) {
    this.#runtime = runtime;
    this.#moduleUrl = moduleUrl;
    this.#className = className;
    this.#options = options;
  }

  /** A copy with `overrides` on top of this class's options (resources merged key by key). */
  options(overrides: SpawnOptions): ActorClass<C> {
    const resources = { ...this.#options.resources, ...overrides.resources };
    const merged: SpawnOptions = { ...this.#options, ...overrides };
    if (this.#options.resources || overrides.resources) merged.resources = resources;
    return new ActorClass<C>(this.#runtime, this.#moduleUrl, this.#className, merged);
  }

  /** Starts an actor of this class (see Runtime.spawn). */
  spawn(...args: ConstructorParameters<C>): Promise<Remote<InstanceType<C>>> {
    return this.#runtime.spawn<InstanceType<C>>(this.#moduleUrl, this.#className, args, this.#options);
  }
}
