/**
 * How many events each execution's history would hold in Step Functions, from a local run's events.
 * Step Functions limits one execution's history to 25,000 events. A Distributed Map runs each item as
 * a child execution with its own history; its parent records only MapRunStarted/MapRunSucceeded. The
 * local engine runs a Distributed Map inline, so its events are attributed here: a state inside a
 * Distributed Map's ItemProcessor belongs to the child execution of its item (told apart by the
 * `accountId` every state of an organization child carries).
 *
 * Events counted per state, as Step Functions records them: entered and exited (2); a Lambda task
 * adds Scheduled, Started and Succeeded/Failed per attempt (3); a `.waitForTaskToken` task adds
 * Scheduled, Started, Submitted and Succeeded (4); an inline Map adds MapStateStarted,
 * MapStateSucceeded and two per iteration; a Distributed Map adds MapRunStarted and MapRunSucceeded;
 * each execution has ExecutionStarted and its end.
 */
import type { AslDefinition } from './asl.js';
import type { EventLog } from './event-log.js';

interface StateInfo {
  type: string;
  waitsForToken: boolean;
  /** The Distributed Map this state runs under, if any. */
  distributed: string | null;
  /** Is it a Distributed Map itself. */
  isDistributed: boolean;
}

function describe(definition: AslDefinition, under: string | null, out: Map<string, StateInfo>) {
  for (const [name, state] of Object.entries(definition.States)) {
    const processor = state.ItemProcessor ?? state.Iterator;
    const mode = (processor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig?.Mode;
    const isDistributed = mode === 'DISTRIBUTED';
    out.set(name, {
      type: state.Type,
      waitsForToken: String(state.Resource ?? '').endsWith('.waitForTaskToken'),
      distributed: under,
      isDistributed,
    });
    if (processor) describe(processor, isDistributed ? name : under, out);
  }
}

export interface HistorySizes {
  /** Events of the execution that was started. */
  parent: number;
  /** Events of each Distributed Map child execution, by `<map>/<accountId>`. */
  children: Map<string, number>;
  /** The largest history of any one execution. */
  max: number;
}

const accountOf = (data: unknown): string =>
  data && typeof data === 'object' && 'accountId' in data
    ? String((data as { accountId: unknown }).accountId)
    : '?';

export function historySizes(definition: AslDefinition, events: EventLog[]): HistorySizes {
  const states = new Map<string, StateInfo>();
  describe(definition, null, states);
  let parent = 0;
  const children = new Map<string, number>();
  const add = (where: string | null, n: number) => {
    if (where === null) parent += n;
    else children.set(where, (children.get(where) ?? 0) + n);
  };
  const owner = (stateName: string, data: unknown) => {
    const info = states.get(stateName);
    return info?.distributed ? `${info.distributed}/${accountOf(data)}` : null;
  };
  for (const event of events) {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        add(null, 1);
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const map = states.get(event.parentState.name);
        // A Distributed Map's item is a child execution: its start and end are the child's events.
        if (map?.isDistributed) add(`${event.parentState.name}/${accountOf(inputOf(event))}`, 1);
        else add(owner(event.parentState.name, event.parentState.input), 1);
        break;
      }
      case 'StateEntered':
      case 'StateExited':
      case 'StateRetried':
      case 'StateFailed': {
        const info = states.get(event.state.name);
        const where = owner(event.state.name, event.state.input);
        const taskEvents = info?.waitsForToken ? 4 : 3;
        if (event.type === 'StateEntered') {
          add(where, 1 + (info?.type === 'Task' ? taskEvents : 0));
          if (info?.type === 'Map') add(where, 1);
        } else if (event.type === 'StateExited') {
          add(where, 1 + (info?.type === 'Map' ? 1 : 0));
        } else if (event.type === 'StateRetried' && info?.type === 'Task') {
          add(where, taskEvents);
        }
        break;
      }
      default:
        break;
    }
  }
  const max = Math.max(parent, ...children.values());
  return { parent, children, max };
}

/** The item of a Map iteration event: the engine copies the iteration's own start or end event into it. */
function inputOf(event: EventLog): unknown {
  const e = event as { input?: unknown; output?: unknown };
  return e.input ?? e.output ?? null;
}
