/**
 * The limits Step Functions enforces and aws-local-stepfunctions does not, enforced on a local run as
 * it goes, so that a definition that would fail on AWS fails here first:
 *
 * - 256 KiB (262,144 bytes) for each state's effective input and output, and for a Map state's
 *   combined result: the array of its iterations' outputs, which a Distributed Map without a
 *   ResultWriter returns inline whatever its ResultPath. Exceeding it is `States.DataLimitExceeded`,
 *   a terminal error that no Catch (not even `States.ALL`) handles: the execution fails.
 *   (Step Functions Developer Guide, "Service quotas" and "Handling errors", States.DataLimitExceeded.)
 * - 25,000 events in one execution's history; a Distributed Map's child executions each have their
 *   own (see history-size.ts). Reaching it fails the execution.
 */
import type { AslDefinition, AslState } from './asl.js';
import type { EventLog } from './event-log.js';
import { HistoryCounter } from './history-size.js';

export const PAYLOAD_LIMIT_BYTES = 262_144;
export const HISTORY_LIMIT_EVENTS = 25_000;

export interface LimitBreach {
  Error: 'States.DataLimitExceeded' | 'States.Runtime';
  Cause: string;
}

interface MapInfo {
  /** The Distributed Map this Map runs under (its results are per child execution), if any. */
  under: string | null;
}

const bytes = (data: unknown) => Buffer.byteLength(JSON.stringify(data ?? null));

const accountOf = (data: unknown): string =>
  data && typeof data === 'object' && 'accountId' in data
    ? String((data as { accountId: unknown }).accountId)
    : '?';

/** Maps of the definition, and for each state that ends a Map iteration, the Map whose result it joins. */
function describe(
  definition: AslDefinition,
  under: string | null,
  maps: Map<string, MapInfo>,
  endsIterationOf: Map<string, string>,
  enclosing: string | null,
) {
  for (const [name, state] of Object.entries(definition.States) as [string, AslState][]) {
    if (enclosing && (state.End === true || state.Type === 'Succeed')) endsIterationOf.set(name, enclosing);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (!processor) continue;
    const mode = (processor as { ProcessorConfig?: { Mode?: string } }).ProcessorConfig?.Mode;
    maps.set(name, { under });
    describe(processor, mode === 'DISTRIBUTED' ? name : under, maps, endsIterationOf, name);
  }
}

export class LimitWatcher {
  private readonly maps = new Map<string, MapInfo>();
  private readonly endsIterationOf = new Map<string, string>();
  private readonly mapResults = new Map<string, { bytes: number; items: number }>();
  readonly history: HistoryCounter;
  /** The largest effective state input or output seen, in bytes of JSON. */
  maxPayloadBytes = 0;
  /** The largest combined result of a Map state seen (the JSON array of its iterations' outputs). */
  maxMapResultBytes = 0;

  constructor(definition: AslDefinition, input: unknown) {
    describe(definition, null, this.maps, this.endsIterationOf, null);
    this.history = new HistoryCounter(definition);
    this.maxPayloadBytes = bytes(input);
  }

  /** Counts one event; returns the breach it causes, if any. Constant work per event. */
  observe(event: EventLog): LimitBreach | null {
    const execution = this.history.add(event);
    if (this.history.of(execution) > HISTORY_LIMIT_EVENTS) {
      return {
        Error: 'States.Runtime',
        Cause: `The execution history of ${execution ?? 'the execution'} reached the limit of ${HISTORY_LIMIT_EVENTS.toLocaleString('en-US')} events.`,
      };
    }
    if (event.type !== 'StateEntered' && event.type !== 'StateExited') return null;
    const name = event.state.name;
    const data = event.type === 'StateEntered' ? event.state.input : event.state.output;
    const size = bytes(data);
    if (size > this.maxPayloadBytes) this.maxPayloadBytes = size;
    if (size > PAYLOAD_LIMIT_BYTES) {
      return dataLimit(name, `its ${event.type === 'StateEntered' ? 'input' : 'output'} is ${size} bytes`);
    }
    if (event.type === 'StateEntered' && this.maps.has(name)) {
      this.mapResults.set(this.mapKey(name, data), { bytes: 2, items: 0 });
      return null;
    }
    const map = event.type === 'StateExited' ? this.endsIterationOf.get(name) : undefined;
    if (!map) return null;
    const key = this.mapKey(map, data);
    const result = this.mapResults.get(key) ?? { bytes: 2, items: 0 };
    result.bytes += size + (result.items > 0 ? 1 : 0);
    result.items += 1;
    this.mapResults.set(key, result);
    if (result.bytes > this.maxMapResultBytes) this.maxMapResultBytes = result.bytes;
    if (result.bytes > PAYLOAD_LIMIT_BYTES) {
      return dataLimit(map, `the combined result of its ${result.items} iterations is ${result.bytes} bytes`);
    }
    return null;
  }

  private mapKey(map: string, data: unknown): string {
    const under = this.maps.get(map)?.under;
    return under ? `${map}@${under}/${accountOf(data)}` : map;
  }
}

function dataLimit(state: string, what: string): LimitBreach {
  return {
    Error: 'States.DataLimitExceeded',
    Cause: `The state '${state}' exceeded the payload limit of ${PAYLOAD_LIMIT_BYTES} bytes: ${what}.`,
  };
}
