import * as vscode from 'vscode';
import { describeError } from '../errorMessages';
import type { ErrorAction, ErrorContext } from '../errorMessages';
import type { SiteSummary } from '../sites/siteTypes';
import { writeConfirmation } from './writeGuard';
import type { PlannedRun } from './writeGuard';

/**
 * Runs `task` under a cancellable progress notification. Cancelling aborts the signal the task was given, which the
 * core turns into stopped polls and aborted downloads (CancellationToken → AbortSignal).
 */
export function withCancellableProgress<T>(title: string, task: (signal: AbortSignal, report: (text: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await task(controller.signal, (text) => progress.report({ message: text }));
    } finally {
      subscription.dispose();
    }
  });
}

/** Shows an error as its sentence with its actions as buttons, and runs the action the user picks. */
export async function showRunError(error: unknown, context: ErrorContext & { actions?: readonly ErrorAction[] } = {}): Promise<void> {
  const description = describeError(error, context);
  const actions = [...description.actions, ...(context.actions ?? [])];
  const picked = await vscode.window.showErrorMessage(description.message, ...actions.map((action) => action.title));
  const action = actions.find((candidate) => candidate.title === picked);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}

/**
 * Asks, in a modal dialog, before a run that writes to a site that does not allow writes. Resolves true when the run
 * may go ahead: nothing to ask, or the user pressed the button naming the site.
 */
export async function confirmWrites(sites: readonly SiteSummary[], plan: PlannedRun): Promise<boolean> {
  const confirmation = writeConfirmation(sites, plan);
  if (!confirmation) return true;
  const answer = await vscode.window.showWarningMessage(confirmation.message, { modal: true, detail: confirmation.detail }, confirmation.confirm);
  return answer === confirmation.confirm;
}
