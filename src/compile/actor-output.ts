import type { AnyEventObject } from 'xstate';
import type { ActorName, ActorOutputs } from './contract.js';

/**
 * The output of an actor's done event, typed as the output of the actor(s) named in the type
 * argument: a guard or context update names the actors whose onDone it is compiled onto, so it
 * reads their contract's fields and nothing else. The same transitions also take error and
 * timeout events, which carry no output: the answer is then undefined, as it is for an output
 * that is not an object (a broken actor), so a guard reads "no" rather than throw.
 */
export function outputOf<A extends ActorName>(event: AnyEventObject): ActorOutputs[A] | undefined {
  const out: unknown = (event as { output?: unknown }).output;
  return out !== null && typeof out === 'object' ? (out as ActorOutputs[A]) : undefined;
}
