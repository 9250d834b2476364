/**
 * The lifecycle settings of one run: the deployment's (CDK context -> Lambda environment -> Settings),
 * overridden by the run input (`warnDays`, `deleteAfterDays`, `consoleAction`).
 */
import type { Settings } from '../../../ports/index.js';
import {
  BREAK_GLASS_TAG_KEY,
  type ConsoleAction,
  DEFAULT_CONSOLE_ACTION,
  DEFAULT_OWNER_TAG_KEY,
  DEFAULT_WARN_DAYS,
} from '../../shared/defaults.js';
import type { RunRequest } from '../../shared/request.js';
import { domainsOf } from './tags.js';

export interface LifecycleSettings {
  /** Owners are warned this many days before a credential may be disabled; 0: no warnings. */
  warnDays: number;
  /** Keys credsweep deactivated this many days ago are proposed for deletion; null: never. */
  deleteAfterDays: number | null;
  consoleAction: ConsoleAction;
  ownerTagKey: string;
  breakGlassTagKey: string;
  /** Owner addresses are mailed only in these domains (default: the approvers' and the sender's). */
  ownerDomains: string[];
}

export function lifecycleSettings(
  settings: Settings,
  request: Pick<RunRequest, 'warnDays' | 'deleteAfterDays' | 'consoleAction'> = {},
): LifecycleSettings {
  const deleteAfter = request.deleteAfterDays ?? settings.deleteAfterDays ?? null;
  return {
    warnDays: request.warnDays ?? settings.warnDays ?? DEFAULT_WARN_DAYS,
    // 0 in the run input turns a deployed delete stage off for that run.
    deleteAfterDays: deleteAfter === 0 ? null : deleteAfter,
    consoleAction: request.consoleAction ?? settings.consoleAction ?? DEFAULT_CONSOLE_ACTION,
    ownerTagKey: settings.ownerTagKey ?? DEFAULT_OWNER_TAG_KEY,
    breakGlassTagKey: BREAK_GLASS_TAG_KEY,
    ownerDomains: settings.ownerDomains?.length
      ? settings.ownerDomains
      : domainsOf([...settings.approverEmails, settings.senderEmail]),
  };
}
