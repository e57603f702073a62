/**
 * The demo agent in the browser: a signed-in user asks the agent to add, show and delete to-dos. The tool work is
 * shown as a workflow, the list as a widget, and deleting asks first; pressing Approve continues the answer. The
 * model is the scripted mock, the tools are the demo's real MCP server acting for this user only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite, saveScreenshot } from './demo-stack.js';
import { chat, chatkit, REPLY_TIMEOUT_MS, signIn } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 90_000 };
const call = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: JSON.stringify(args) });

describe('the demo agent with its to-do MCP server', () => {
  const stack = demoStackPerSuite();

  test('adds, lists (as a widget) and deletes after approval, for the signed-in user only', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(page, 'Ada Lovelace');
    const frame = chatkit(page);

    stack().model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'buy milk' })] }, { deltas: ['Added ', '"buy milk".'] });
    assert.equal(await chat(page, 'add buy milk to my list'), 'Added "buy milk".');
    assert.match((await frame.getByTestId('standin-workflow').last().textContent()) ?? '', /Used add_todo/);

    stack().model.enqueue({ deltas: [], toolCalls: [call('list_todos')] }, { deltas: ['Here is your list.'] });
    assert.equal(await chat(page, 'show my list'), 'Here is your list.');
    assert.match((await frame.getByTestId('standin-widget').last().textContent()) ?? '', /buy milk.*#1/);

    stack().model.enqueue({ deltas: [], toolCalls: [call('delete_todo', { id: 1 })] });
    await frame.getByTestId('standin-input').fill('delete buy milk');
    await frame.getByTestId('standin-send').click();
    const approve = frame.getByTestId('standin-widget').last().getByRole('button', { name: 'Approve' });
    await approve.waitFor({ timeout: REPLY_TIMEOUT_MS });
    assert.match((await frame.getByTestId('standin-workflow').last().textContent()) ?? '', /delete_todo needs your approval/);
    await saveScreenshot(page, 'agent-approval-asked');

    stack().model.enqueue({ deltas: ['Deleted "buy milk".'] });
    await approve.click();
    const answer = frame.locator('[data-role="assistant"][data-done="true"]').last();
    await frame.getByText('Deleted "buy milk".').waitFor({ timeout: REPLY_TIMEOUT_MS });
    assert.equal(await answer.textContent(), 'Deleted "buy milk".');
    await frame.getByText('Approved', { exact: true }).waitFor();
    assert.equal(await frame.getByRole('button', { name: 'Approve' }).count(), 0, 'the buttons are gone once answered');

    stack().model.enqueue({ deltas: [], toolCalls: [call('list_todos')] }, { deltas: ['Your list is empty now.'] });
    await chat(page, 'show my list again');
    assert.match((await frame.getByTestId('standin-widget').last().textContent()) ?? '', /Your list is empty/);
    await saveScreenshot(page, 'agent-list-after-delete');

    // Another user's list is their own.
    const other = await stack().newPage();
    await other.page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(other.page, 'Grace Hopper');
    stack().model.enqueue({ deltas: [], toolCalls: [call('list_todos')] }, { deltas: ['Your list.'] });
    await chat(other.page, 'show my list');
    assert.match((await chatkit(other.page).getByTestId('standin-widget').last().textContent()) ?? '', /Your list is empty/);
    await other.context.close();
    await context.close();
  });
});
