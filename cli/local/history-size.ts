/**
 * How many events each execution's history would hold in Step Functions, from a local run's events.
 * Step Functions limits one execution's history to 25,000 events. A Distributed Map runs each item as
 * a child execution with its own history; its parent records only the Map run's own events. The
 * local engine runs a Distributed Map inline, so its events are attributed here: a state inside a
 * Distributed Map's ItemProcessor belongs to the child execution of its item (told apart by the
 * `accountId` every state of an organization child carries).
 *
 * Events counted per state, as Step Functions records them: entered and exited (2); a Lambda task
 * adds Scheduled, Started and Succeeded/Failed per attempt (3); a `.waitForTaskToken` task adds
 * Scheduled, Started, Submitted and Succeeded (4); an inline Map adds MapStateStarted,
 * MapStateSucceeded and two per iteration; a Distributed Map adds MapStateStarted, MapRunStarted,
 * MapRunSucceeded and MapStateSucceeded (6 in all, as a real history of one shows:
 * test/asl/history-real.test.ts); each execution has ExecutionStarted and its end.
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

const accountOf = (data: unknown): string =>
  data && typeof data === 'object' && 'accountId' in data
    ? String((data as { accountId: unknown }).accountId)
    : '?';

/**
 * The history sizes, counted event by event as the run goes (constant work per event), so that a
 * limit is seen when it is crossed, as Step Functions sees it.
 */
export class HistoryCounter {
  private readonly states = new Map<string, StateInfo>();
  private parentEvents = 0;
  readonly children = new Map<string, number>();
  /** The largest history of any one execution so far. */
  max = 0;

  constructor(definition: AslDefinition) {
    describe(definition, null, this.states);
  }

  get parent(): number {
    return this.parentEvents;
  }

  /** Counts one engine event; returns the execution it was counted for (`null`: the started one). */
  add(event: EventLog): string | null {
    const where = this.attribute(event);
    if (where.n > 0) {
      let total: number;
      if (where.execution === null) {
        this.parentEvents += where.n;
        total = this.parentEvents;
      } else {
        total = (this.children.get(where.execution) ?? 0) + where.n;
        this.children.set(where.execution, total);
      }
      if (total > this.max) this.max = total;
    }
    return where.execution;
  }

  /** The events of one execution so far (`null`: the started one). */
  of(execution: string | null): number {
    return execution === null ? this.parentEvents : (this.children.get(execution) ?? 0);
  }

  private owner(stateName: string, data: unknown): string | null {
    const info = this.states.get(stateName);
    return info?.distributed ? `${info.distributed}/${accountOf(data)}` : null;
  }

  private attribute(event: EventLog): { execution: string | null; n: number } {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        return { execution: null, n: 1 };
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const map = this.states.get(event.parentState.name);
        // A Distributed Map's item is a child execution: its start and end are the child's events.
        if (map?.isDistributed)
          return { execution: `${event.parentState.name}/${accountOf(inputOf(event))}`, n: 1 };
        return { execution: this.owner(event.parentState.name, event.parentState.input), n: 1 };
      }
      case 'StateEntered':
      case 'StateExited':
      case 'StateRetried':
      case 'StateFailed': {
        const info = this.states.get(event.state.name);
        const execution = this.owner(event.state.name, event.state.input);
        const taskEvents = info?.waitsForToken ? 4 : 3;
        // A Map's own events besides entered and exited: MapStateStarted and MapStateSucceeded, and
        // for a Distributed Map MapRunStarted and MapRunSucceeded too.
        const mapEvents = info?.type === 'Map' ? (info.isDistributed ? 2 : 1) : 0;
        if (event.type === 'StateEntered') {
          return { execution, n: 1 + (info?.type === 'Task' ? taskEvents : 0) + mapEvents };
        }
        if (event.type === 'StateExited') return { execution, n: 1 + mapEvents };
        if (event.type === 'StateRetried' && info?.type === 'Task') return { execution, n: taskEvents };
        return { execution, n: 0 };
      }
      default:
        return { execution: null, n: 0 };
    }
  }
}

/** The item of a Map iteration event: the engine copies the iteration's own start or end event into it. */
function inputOf(event: EventLog): unknown {
  const e = event as { input?: unknown; output?: unknown };
  return e.input ?? e.output ?? null;
}
