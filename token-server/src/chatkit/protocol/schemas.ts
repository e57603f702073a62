/**
 * Request schemas for every ChatKit request type. Unknown keys are ignored (newer clients may send more);
 * `null` is accepted wherever the official client sends it for "absent". Every field that can be stored or
 * echoed has its own bound (strings, lists, free-form JSON), so the body limit is never the only one.
 */
import { z } from 'zod';

const id = z.string().min(1).max(200);
/** Short names: tag groups, model and tool ids, MIME types. */
const name = z.string().max(200);
const jsonObject = z.record(z.string(), z.unknown());
/** Free-form JSON whose serialised size is at most `bytes`. */
const jsonAtMost = <T extends z.ZodType>(schema: T, bytes: number) =>
  schema.refine((value) => Buffer.byteLength(JSON.stringify(value) ?? '') <= bytes, `must be at most ${bytes} bytes as JSON`);

/** Limits of the free-form parts; the whole message has its own limit (`maxMessageBytes`). */
export const TAG_DATA_MAX_BYTES = 2048;
export const ACTION_PAYLOAD_MAX_BYTES = 16 * 1024;
export const METADATA_MAX_BYTES = 4096;

const userMessageContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input_text'), text: z.string() }),
  z.object({
    type: z.literal('input_tag'),
    id: name,
    text: z.string().max(1000),
    data: jsonAtMost(jsonObject, TAG_DATA_MAX_BYTES).nullish(),
    group: name.nullish(),
    interactive: z.boolean().nullish(),
  }),
]);

export const userMessageInput = z.object({
  content: z.array(userMessageContent).min(1).max(50),
  attachments: z.array(id).max(20),
  quoted_text: z.string().nullish(),
  inference_options: z
    .object({
      tool_choice: z.object({ id: name }).nullish(),
      model: name.nullish(),
    })
    .nullish(),
});
export type UserMessageInputParams = z.infer<typeof userMessageInput>;

const pagination = {
  limit: z.int().min(1).nullish(),
  order: z.enum(['asc', 'desc']).nullish(),
  after: id.nullish(),
};

const action = z.object({ type: z.string().min(1).max(200), payload: jsonAtMost(z.unknown(), ACTION_PAYLOAD_MAX_BYTES).optional() });
const customActionParams = z.object({ thread_id: id, item_id: id.nullish(), action });

/** Params schema per request type; the key set is the protocol's list of request types. */
export const paramsSchemas = {
  'threads.create': z.object({ input: userMessageInput }),
  'threads.add_user_message': z.object({ thread_id: id, input: userMessageInput }),
  'threads.add_client_tool_output': z.object({ thread_id: id, result: z.unknown() }),
  'threads.retry_after_item': z.object({ thread_id: id, item_id: id }),
  'threads.custom_action': customActionParams,
  'threads.add_structured_input': z.object({
    thread_id: id,
    item_id: id,
    input: z.object({
      status: z.enum(['answered', 'skipped']).nullish(),
      answers: jsonAtMost(
        z.record(name, z.object({ values: z.array(z.string().max(2000)).max(50).nullish(), skipped: z.boolean().nullish() })),
        ACTION_PAYLOAD_MAX_BYTES,
      ).nullish(),
    }),
  }),
  'threads.get_by_id': z.object({ thread_id: id }),
  'threads.list': z.object(pagination),
  'items.list': z.object({ thread_id: id, ...pagination }),
  'items.feedback': z.object({ thread_id: id, item_ids: z.array(id).min(1).max(100), kind: z.enum(['positive', 'negative']) }),
  'threads.update': z.object({ thread_id: id, title: z.string().max(200) }),
  'threads.delete': z.object({ thread_id: id }),
  'attachments.create': z.object({ name: z.string().max(500), size: z.int().min(0), mime_type: name }),
  'attachments.delete': z.object({ attachment_id: id }),
  'input.transcribe': z.object({ audio_base64: z.string(), mime_type: name }),
  'threads.sync_custom_action': customActionParams,
} as const;

export type RequestType = keyof typeof paramsSchemas;
export type ParamsOf<T extends RequestType> = z.infer<(typeof paramsSchemas)[T]>;

/** The request types answered with an event stream; the rest are answered with JSON. */
export const STREAMING_TYPES = [
  'threads.create',
  'threads.add_user_message',
  'threads.add_client_tool_output',
  'threads.retry_after_item',
  'threads.custom_action',
  'threads.add_structured_input',
] as const satisfies readonly RequestType[];
export type StreamingType = (typeof STREAMING_TYPES)[number];

export const envelope = z.object({
  type: z.string(),
  params: z.unknown().optional(),
  metadata: jsonAtMost(jsonObject, METADATA_MAX_BYTES).nullish(),
});

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(paramsSchemas, type);
}
