/** The test page's handle on the real token servers started by the test runner (see server/test-backends.ts). */
import { executeServerCommand } from '@web/test-runner-commands';
import type { Fault } from '../../token-server/test-support/openai-mock.js';
import type { MockSession } from '../../token-server/test-support/openai-mock-sessions.js';
import type { StackName, TestEnv } from './server/test-backends.js';

export type { StackName, TestEnv };

let env: Promise<TestEnv> | undefined;

export function testEnv(): Promise<TestEnv> {
  env ??= executeServerCommand<TestEnv, undefined>('ckw-env');
  return env;
}

/** A Better-Auth-shaped user JWT the given stack accepts (`expiresIn` seconds; negative for an expired one). */
export function userToken(stack: StackName, sub: string, expiresIn?: number): Promise<string> {
  return executeServerCommand('ckw-user-token', { stack, sub, expiresIn });
}

/** The hosted ChatKit sessions the stack's OpenAI mock has created, in order. */
export function hostedSessions(stack: StackName): Promise<MockSession[]> {
  return executeServerCommand('ckw-sessions', { stack });
}

export async function openaiFault(stack: StackName, fault: Fault): Promise<void> {
  await executeServerCommand('ckw-openai-fault', { stack, fault });
}

export async function clearOpenaiFaults(stack: StackName): Promise<void> {
  await executeServerCommand('ckw-openai-clear', { stack });
}
