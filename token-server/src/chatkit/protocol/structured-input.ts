/**
 * Structured input (`structured_input` items, answered by `threads.add_structured_input`) as chatkit-python 1.6 treats
 * it: every question gets an answer or is marked skipped, a single-choice question keeps one value, answers to
 * questions the item does not ask are ignored, and the item takes the submission's status.
 */
import { newId, now } from '../ids.js';
import type { ParamsOf } from './schemas.js';
import type { StructuredInputItem, StructuredInputQuestion } from './types.js';

export type StructuredInputSubmission = ParamsOf<'threads.add_structured_input'>['input'];

/** Asks the user these questions (a handler or tool adds the item; the user's answer continues the thread). */
export function structuredInputItem(threadId: string, inputs: StructuredInputQuestion[]): StructuredInputItem {
  return { id: newId('structured_input'), thread_id: threadId, created_at: now(), type: 'structured_input', status: 'pending', inputs };
}

export function answerStructuredInput(item: StructuredInputItem, submission: StructuredInputSubmission): StructuredInputItem {
  const status = submission.status ?? 'answered';
  const answers = submission.answers ?? {};
  const inputs = item.inputs.map((question): StructuredInputQuestion => {
    const answer = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    const values = answer?.values ?? [];
    if (status === 'skipped' || !answer || answer.skipped || values.length === 0) return { ...question, answer: { values: [], skipped: true } };
    const kept = question.type === 'multiple_choice' && !question.multiple ? values.slice(0, 1) : values;
    return { ...question, answer: { values: kept, skipped: false } };
  });
  return { ...item, status, inputs };
}

/** What the model reads of an item: each question with its answer, or that it was skipped or not answered yet. */
export function describeStructuredInput(item: StructuredInputItem): string {
  const lines = item.inputs.map((question) => {
    const answer = question.answer;
    const said = !answer ? 'not answered' : answer.skipped ? 'skipped' : answer.values.join(', ');
    return `- ${question.question}: ${said}`;
  });
  return `The user was asked these questions (${item.status}):\n${lines.join('\n')}`;
}
