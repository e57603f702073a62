/**
 * `POST /v1/audio/transcriptions` for `startOpenAIMock`: reads the multipart upload as the real API does and answers
 * `{ text }`. What arrived (model, file name, type and bytes) replaces the recorded body, so tests can check it.
 */
import type { MockRoute } from './openai-mock.js';

export interface TranscriptionSent {
  model: string;
  fileName: string;
  fileType: string;
  bytes: Buffer;
}

export function transcriptionRoutes(text = 'Hello from the microphone'): MockRoute[] {
  return [
    {
      method: 'POST',
      path: '/v1/audio/transcriptions',
      async handler({ req, res, body, record }) {
        const form = await new Response(new Uint8Array(body as Buffer), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
        const file = form.get('file');
        if (!(file instanceof File) || typeof form.get('model') !== 'string') {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'file and model are required', type: 'invalid_request_error' } }));
          return;
        }
        const sent: TranscriptionSent = { model: form.get('model') as string, fileName: file.name, fileType: file.type, bytes: Buffer.from(await file.arrayBuffer()) };
        record.body = sent;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text }));
      },
    },
  ];
}
