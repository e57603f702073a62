/**
 * Dictation (`input.transcribe`): the composer's recording, base64 in the request, to text through the OpenAI
 * transcription API (`CHATKIT_TRANSCRIBE_MODEL`), answered as chatkit-python's `TranscriptionResult` (`{ text }`).
 * Only the audio types ChatKit records are taken, with a size limit, before anything goes upstream.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, toFile } from 'openai';
import type { Logger } from 'pino';
import { HttpError } from '../http/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { upstreamErrorKind } from '../metrics/upstream-error-kind.js';
import type { ModelSettings } from './agent/agent-config.js';

/** The containers ChatKit records in (`audio/webm;codecs=opus`, `audio/mp4`, `audio/ogg;codecs=opus`), by file name. */
const AUDIO_TYPES: Record<string, string> = { 'audio/webm': 'dictation.webm', 'audio/mp4': 'dictation.mp4', 'audio/ogg': 'dictation.ogg' };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface TranscriberOptions {
  /** Where the model lives (its key and base URL serve transcription too). */
  model: ModelSettings;
  transcribeModel: string;
  timeoutMs: number;
  maxAudioBytes: number;
  logger: Logger;
  metrics: Metrics;
}

export class Transcriber {
  private readonly client: OpenAI;

  constructor(private readonly options: TranscriberOptions) {
    const { model } = options;
    this.client = new OpenAI({ apiKey: model.apiKey || 'no-key-needed', baseURL: model.baseURL, timeout: options.timeoutMs, maxRetries: 1, logLevel: 'off' });
  }

  async transcribe(audioBase64: string, mimeType: string): Promise<{ text: string }> {
    const mediaType = mimeType.split(';', 1)[0]!.trim().toLowerCase();
    const fileName = AUDIO_TYPES[mediaType];
    if (!fileName) throw new HttpError(415, 'unsupported_audio_type', 'Dictation takes audio/webm, audio/mp4 or audio/ogg recordings.');
    // Checked before decoding: Buffer.from(..., 'base64') silently skips what is not base64.
    if (audioBase64.length % 4 !== 0 || !BASE64.test(audioBase64)) throw new HttpError(400, 'invalid_audio', 'The recording is not valid base64.');
    const audio = Buffer.from(audioBase64, 'base64');
    if (audio.length === 0) throw new HttpError(400, 'empty_audio', 'The recording is empty.');
    if (audio.length > this.options.maxAudioBytes)
      throw new HttpError(413, 'audio_too_large', `Recordings may be at most ${Math.floor(this.options.maxAudioBytes / 1024)} KB; record a shorter message.`);
    try {
      const result = await this.client.audio.transcriptions.create({
        file: await toFile(audio, fileName, { type: mediaType }),
        model: this.options.transcribeModel,
        response_format: 'json',
      });
      return { text: typeof result.text === 'string' ? result.text : '' };
    } catch (err) {
      const timedOut = err instanceof APIConnectionTimeoutError;
      if (timedOut || err instanceof APIError) this.options.metrics.upstreamError('transcription', upstreamErrorKind(err, { timedOut }));
      this.options.logger.warn({ failure: { name: (err as Error)?.name, status: (err as APIError)?.status } }, 'transcription failed');
      if (timedOut) throw new HttpError(504, 'transcription_timeout', 'Transcribing the recording took too long; try again.');
      throw new HttpError(502, 'transcription_failed', 'The recording could not be transcribed right now; try again.');
    }
  }
}
