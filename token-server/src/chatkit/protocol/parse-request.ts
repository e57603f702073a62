/** Turns a request body into a typed ChatKit request, or a 400 with a stable code; never throws anything else. */
import { HttpError } from '../../http/errors.js';
import { METADATA_MAX_BYTES, STREAMING_TYPES, envelope, isRequestType, paramsSchemas, type ParamsOf, type RequestType, type StreamingType } from './schemas.js';

export type ChatKitRequest = { [T in RequestType]: { type: T; params: ParamsOf<T> } }[RequestType];
export type StreamingRequest = Extract<ChatKitRequest, { type: StreamingType }>;
export type JsonRequest = Exclude<ChatKitRequest, StreamingRequest>;

export function isStreamingRequest(request: ChatKitRequest): request is StreamingRequest {
  return (STREAMING_TYPES as readonly string[]).includes(request.type);
}

/** Deeper JSON than this is refused before validation, so nothing recursive ever walks it. */
export const MAX_JSON_DEPTH = 32;

/**
 * The request body as JSON: raw bytes are parsed here; a body an outer JSON middleware already parsed is taken
 * as is. Either way it is depth-checked.
 */
export function readJsonBody(body: unknown): unknown {
  let value = body;
  if (Buffer.isBuffer(body) || body === undefined) {
    try {
      value = JSON.parse((body ?? '').toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
    }
  }
  if (exceedsDepth(value, MAX_JSON_DEPTH))
    throw new HttpError(400, 'too_deeply_nested', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  return value;
}

/** Iterative, so a hostile body cannot exhaust the stack. */
function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

export function parseChatKitRequest(body: unknown): ChatKitRequest {
  const outer = envelope.safeParse(body);
  if (!outer.success) {
    if (outer.error.issues[0]?.path[0] === 'metadata')
      throw new HttpError(400, 'invalid_request', `The request "metadata" must be a JSON object of at most ${METADATA_MAX_BYTES} bytes.`);
    throw new HttpError(400, 'invalid_request', 'The body must be a JSON object with a string "type" and an object "params".');
  }
  const { type } = outer.data;
  if (!isRequestType(type)) throw new HttpError(400, 'unknown_request_type', `Unknown ChatKit request type "${type.slice(0, 60)}".`);
  const params = paramsSchemas[type].safeParse(outer.data.params ?? {});
  if (!params.success) {
    const issue = params.error.issues[0];
    const where = issue && issue.path.length > 0 ? `params.${issue.path.join('.')}` : 'params';
    throw new HttpError(400, 'invalid_params', `Invalid ${where} for ${type}: ${issue?.message ?? 'invalid value'}.`);
  }
  return { type, params: params.data } as ChatKitRequest;
}
