/**
 * Attachments end to end through the backend's HTTP routes, against both storages (disk under a temp DATA_DIR, and
 * S3 on a local s3rver): create, the two-phase upload (PUT and multipart POST), the direct upload, previews, delete,
 * messages that carry them, what the model receives, and every refusal a user can hit. Wire shapes follow
 * chatkit-python 1.6 `chatkit/types.py` (`FileAttachment`, `ImageAttachment`, `AttachmentUploadDescriptor`), serialised
 * as its server does (`exclude_none`, `metadata` left out).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { filesSent } from '../../test-support/openai-mock-model.js';
import { S3RVER_CREDENTIALS, startS3, type S3Server } from '../../test-support/services/s3-server.js';
import { openAttachmentStorage, type AttachmentStorage } from './attachments/attachment-storage.js';
import { createAttachmentTokens } from './attachments/attachment-tokens.js';
import { HARNESS_PUBLIC_URL, startBackend, threadIdOf, type Harness } from './testing/harness.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(200)]);
const TEXT = Buffer.from('Grüße aus dem Text 🙂\n');
const MAX_BYTES = 64 * 1024;

interface StorageUnderTest {
  name: string;
  open(): Promise<{ storage: AttachmentStorage; files(): string[]; close(): Promise<void> }>;
}

/** Every file below `dir` (what is stored, whatever the layout). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const disk: StorageUnderTest = {
  name: 'disk',
  async open() {
    const dataDir = mkdtempSync(join(tmpdir(), 'ckw-attachments-'));
    const storage = await openAttachmentStorage({ kind: 'disk' }, dataDir);
    return { storage, files: () => filesUnder(join(dataDir, 'attachments')), close: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

const s3: StorageUnderTest = {
  name: 'S3 (s3rver)',
  async open() {
    const server: S3Server = await startS3();
    Object.assign(process.env, S3RVER_CREDENTIALS);
    const storage = await openAttachmentStorage({ kind: 's3', bucket: server.bucket, endpoint: server.endpoint, region: server.region }, '/nonexistent');
    // s3rver keeps each object as a folder of its content and metadata files.
    const files = () => filesUnder(join(server.directory, server.bucket)).filter((path) => path.endsWith('._S3rver_object'));
    return { storage, files, close: () => server.stop() };
  },
};

for (const backend of [disk, s3]) {
  describe(`attachments stored on ${backend.name}`, () => {
    let h: Harness;
    let opened: Awaited<ReturnType<StorageUnderTest['open']>>;
    const signingKey = randomBytes(32);
    before(async () => {
      opened = await backend.open();
      h = await startBackend({ signingKey, attachments: { config: { maxBytes: MAX_BYTES, maxCount: 2 }, storage: opened.storage } });
    });
    after(async () => {
      await h.close();
      await opened.close();
    });

    const local = (url: string) => url.replace(HARNESS_PUBLIC_URL, h.url);
    const create = (user: string, name: string, mimeType: string, size: number) =>
      h.call(user, { type: 'attachments.create', params: { name, size, mime_type: mimeType } });
    const put = (url: string, bytes: Buffer, contentType = 'application/octet-stream') =>
      fetch(local(url), { method: 'PUT', headers: { 'content-type': contentType }, body: new Uint8Array(bytes) });
    const postMultipart = (url: string, bytes: Buffer, name: string, mimeType: string, headers: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), name);
      return fetch(local(url), { method: 'POST', body: form, headers });
    };
    /** An attachment created and uploaded by `user`. */
    const uploaded = async (user: string, name: string, mimeType: string, bytes: Buffer) => {
      const created = await create(user, name, mimeType, bytes.length);
      assert.equal(created.status, 200, created.text);
      const res = await put(created.body.upload_descriptor.url, bytes, mimeType);
      assert.equal(res.status, 200, await res.text());
      return created.body;
    };
    const message = (text: string, attachments: string[], threadId?: string) => {
      const input = { content: [{ type: 'input_text', text }], attachments, inference_options: {} };
      return threadId
        ? { type: 'threads.add_user_message', params: { thread_id: threadId, input } }
        : { type: 'threads.create', params: { input } };
    };

    test('attachments.create answers the chatkit-python ImageAttachment shape with a PUT upload URL on this server', async () => {
      const files = opened.files().length;
      const created = await create('ann', 'cat.png', 'image/png', PNG.length);
      assert.equal(created.status, 200, created.text);
      const body = created.body;
      assert.deepEqual(Object.keys(body), ['id', 'name', 'mime_type', 'upload_descriptor', 'type', 'preview_url']);
      assert.match(body.id, /^atc_[a-f0-9]{16}$/);
      assert.equal(body.name, 'cat.png');
      assert.equal(body.mime_type, 'image/png');
      assert.equal(body.type, 'image');
      assert.deepEqual(Object.keys(body.upload_descriptor), ['url', 'method', 'headers']);
      assert.equal(body.upload_descriptor.method, 'PUT');
      assert.deepEqual(body.upload_descriptor.headers, { 'Content-Type': 'image/png' });
      assert.ok(body.upload_descriptor.url.startsWith(`${HARNESS_PUBLIC_URL}/api/chatkit/attachments/upload/`));
      assert.equal(opened.files().length, files, 'nothing stored before the upload');
      assert.equal((await fetch(local(body.preview_url))).status, 404, 'no preview before the upload');

      const res = await put(body.upload_descriptor.url, PNG, 'image/png');
      assert.equal(res.status, 200);
      const answer = await res.json();
      assert.equal(answer.id, body.id);
      assert.equal(answer.upload_descriptor, undefined);
      const preview = await fetch(local(answer.preview_url));
      assert.equal(preview.status, 200);
      assert.deepEqual(Buffer.from(await preview.arrayBuffer()), PNG);
      assert.equal(preview.headers.get('content-type'), 'image/png');
      assert.equal(preview.headers.get('x-content-type-options'), 'nosniff');
      assert.match(preview.headers.get('content-disposition')!, /^inline; filename="cat.png"/);
      assert.match(preview.headers.get('cache-control')!, /^private/);
      assert.match(preview.headers.get('content-security-policy')!, /default-src 'none'; sandbox/);
      assert.equal(opened.files().length, files + 1);
    });

    test('a PDF is a FileAttachment (no preview) and uploads as multipart POST field "file" too', async () => {
      const created = await create('ann', 'report.pdf', 'application/pdf', PDF.length);
      assert.deepEqual(Object.keys(created.body), ['id', 'name', 'mime_type', 'upload_descriptor', 'type']);
      assert.equal(created.body.type, 'file');
      const res = await postMultipart(created.body.upload_descriptor.url, PDF, 'report.pdf', 'application/pdf');
      assert.equal(res.status, 200, await res.text());
    });

    const refusals: Array<[string, [string, string, number], number, string]> = [
      ['a declared size of 0', ['a.png', 'image/png', 0], 400, 'empty_attachment'],
      ['a declared size over the limit', ['a.png', 'image/png', MAX_BYTES + 1], 413, 'attachment_too_large'],
      ['a type that is not accepted', ['a.zip', 'application/zip', 10], 415, 'attachment_type_not_accepted'],
      ['SVG, which image/* does not let in', ['a.svg', 'image/svg+xml', 10], 415, 'attachment_type_not_accepted'],
      ['a name with a path', ['../../etc/passwd', 'text/plain', 10], 400, 'invalid_attachment_name'],
      ['a name with a backslash', ['..\\boot.ini', 'text/plain', 10], 400, 'invalid_attachment_name'],
      ['a name of ".."', ['..', 'text/plain', 10], 400, 'invalid_attachment_name'],
      ['a name with a control character', ['a\u0000.txt', 'text/plain', 10], 400, 'invalid_attachment_name'],
      ['a 300-character name', [`${'n'.repeat(296)}.txt`, 'text/plain', 10], 400, 'invalid_attachment_name'],
    ];
    for (const [what, [name, mimeType, size], status, code] of refusals) {
      test(`attachments.create with ${what} is refused with ${status} ${code}, and nothing is stored`, async () => {
        const files = opened.files().length;
        const res = await create('bea', name, mimeType, size);
        assert.equal(res.status, status, res.text);
        assert.equal(res.body.error.code, code);
        assert.ok(res.body.error.message.length > 10);
        assert.equal(opened.files().length, files);
      });
    }

    const badUploads: Array<[string, string, Buffer, Buffer, number, string]> = [
      ['more bytes than declared', 'image/png', PNG.subarray(0, 100), PNG, 413, 'upload_too_large'],
      ['fewer bytes than declared', 'image/png', PNG, PNG.subarray(0, 100), 400, 'upload_size_mismatch'],
      ['a PNG whose bytes are a JPEG', 'image/png', PNG, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), PNG.subarray(3)]), 415, 'content_mismatch'],
      ['a PDF whose bytes are not', 'application/pdf', PDF, Buffer.alloc(PDF.length, 0x41), 415, 'content_mismatch'],
      ['a text file that is not UTF-8', 'text/plain', TEXT, Buffer.concat([TEXT.subarray(0, TEXT.length - 2), Buffer.from([0xc3, 0x28])]), 415, 'content_mismatch'],
    ];
    for (const [what, mimeType, declared, sent, status, code] of badUploads) {
      test(`an upload of ${what} is refused with ${status} ${code}, nothing stays stored, and no message can take it`, async () => {
        const files = opened.files().length;
        const created = await create('cid', 'file', mimeType, declared.length);
        const res = await put(created.body.upload_descriptor.url, sent, mimeType);
        assert.equal(res.status, status);
        assert.equal((await res.json()).error.code, code);
        assert.equal(opened.files().length, files);
        const refused = await h.call('cid', message('see file', [created.body.id]));
        assert.equal(refused.status, 409);
        assert.equal(refused.body.error.code, 'attachment_not_uploaded');
      });
    }

    test('an upload URL works once: a second upload is refused with 409 and the first file stays', async () => {
      const created = await create('dan', 'cat.png', 'image/png', PNG.length);
      assert.equal((await put(created.body.upload_descriptor.url, PNG)).status, 200);
      const again = await put(created.body.upload_descriptor.url, PNG);
      assert.equal(again.status, 409);
      assert.equal((await again.json()).error.code, 'upload_url_used');
    });

    test('an expired or tampered upload URL is refused with 403 upload_url_invalid', async () => {
      const created = await create('dan', 'cat.png', 'image/png', PNG.length);
      const url: string = created.body.upload_descriptor.url;
      const expired = await createAttachmentTokens(signingKey, { now: () => Date.now() - 6 * 60_000 }).issue('upload', {
        userId: 'dan',
        attachmentId: created.body.id,
      });
      for (const bad of [url.replace(/\/[^/]+$/, `/${expired}`), `${url.slice(0, -4)}AAAA`]) {
        const res = await put(bad, PNG);
        assert.equal(res.status, 403);
        assert.equal((await res.json()).error.code, 'upload_url_invalid');
      }
    });

    test('a preview URL expires, and one signed for another user shows nothing', async () => {
      const attachment = await uploaded('eve', 'cat.png', 'image/png', PNG);
      const previewBase = local(attachment.preview_url).replace(/\/[^/]+$/, '');
      const tokens = (now: number) => createAttachmentTokens(signingKey, { now: () => now });
      const old = await tokens(Date.now() - 2 * 3600_000).issue('preview', { userId: 'eve', attachmentId: attachment.id });
      const foreign = await tokens(Date.now()).issue('preview', { userId: 'mallory', attachmentId: attachment.id });
      const upload = await tokens(Date.now()).issue('upload', { userId: 'eve', attachmentId: attachment.id });
      for (const token of [old, foreign, upload]) assert.equal((await fetch(`${previewBase}/${token}`)).status, 404);
    });

    test("another user's attachment id is a 404 in a message, in delete, and its file stays", async () => {
      const attachment = await uploaded('fay', 'cat.png', 'image/png', PNG);
      const inMessage = await h.call('gus', message('mine now', [attachment.id]));
      assert.equal(inMessage.status, 404);
      assert.equal(inMessage.body.error.code, 'attachment_not_found');
      const deleted = await h.call('gus', { type: 'attachments.delete', params: { attachment_id: attachment.id } });
      assert.equal(deleted.status, 404);
      assert.equal((await fetch(local(attachment.preview_url))).status, 200);
    });

    test('attachments.delete answers {} and the file is gone', async () => {
      const files = opened.files().length;
      const attachment = await uploaded('hal', 'cat.png', 'image/png', PNG);
      const deleted = await h.call('hal', { type: 'attachments.delete', params: { attachment_id: attachment.id } });
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, {});
      assert.equal(opened.files().length, files);
      assert.equal((await fetch(local(attachment.preview_url))).status, 404);
    });

    test('a message carries its attachments (with thread_id), the model gets the image and the PDF, and a reload shows them with a working preview', async () => {
      const image = await uploaded('ivy', 'cat.png', 'image/png', PNG);
      const pdf = await uploaded('ivy', 'report.pdf', 'application/pdf', PDF);
      const reply = await h.call('ivy', message('What is in these?', [image.id, pdf.id]));
      assert.equal(reply.status, 200, reply.text);
      const threadId = threadIdOf(reply.events);
      const done = reply.events.find((event) => event.type === 'thread.item.done' && event.item.type === 'user_message') as any;
      assert.deepEqual(
        done.item.attachments.map((a: any) => Object.keys(a)),
        [['id', 'name', 'mime_type', 'thread_id', 'type', 'preview_url'], ['id', 'name', 'mime_type', 'thread_id', 'type']],
      );
      assert.equal(done.item.attachments[0].thread_id, threadId);

      const sent = filesSent(h.mock.requests.at(-1)!.body);
      assert.deepEqual(sent.map(({ kind, mimeType, filename }) => ({ kind, mimeType, filename })), [
        { kind: 'image', mimeType: 'image/png', filename: undefined },
        { kind: 'file', mimeType: 'application/pdf', filename: 'report.pdf' },
      ]);
      assert.deepEqual(sent[0]!.bytes, PNG);
      assert.deepEqual(sent[1]!.bytes, PDF);

      const items = await h.call('ivy', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
      const stored = items.body.data[0];
      assert.deepEqual(stored.attachments.map((a: any) => a.id), [image.id, pdf.id]);
      const preview = await fetch(local(stored.attachments[0].preview_url));
      assert.equal(preview.status, 200);
      assert.deepEqual(Buffer.from(await preview.arrayBuffer()), PNG);

      const otherThread = threadIdOf((await h.call('ivy', message('new', []))).events);
      const reused = await h.call('ivy', message('again', [image.id], otherThread));
      assert.equal(reused.status, 404, 'an attachment belongs to one thread');
    });

    test('a message with more attachments than allowed is refused with 400 too_many_attachments', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await uploaded('jo', `t${i}.txt`, 'text/plain', TEXT)).id);
      const refused = await h.call('jo', message('three', ids));
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'too_many_attachments');
    });

    test("deleting a thread removes its attachments' files", async () => {
      const files = opened.files().length;
      const image = await uploaded('kai', 'cat.png', 'image/png', PNG);
      const threadId = threadIdOf((await h.call('kai', message('look', [image.id]))).events);
      assert.equal(opened.files().length, files + 1);
      assert.equal((await h.call('kai', { type: 'threads.delete', params: { thread_id: threadId } })).status, 200);
      assert.equal(opened.files().length, files);
      assert.equal((await fetch(local(image.preview_url))).status, 404);
    });

    test('a user keeps at most 20 files of the size limit; the next is refused with 409 attachment_quota_exceeded', async () => {
      for (let i = 0; i < 20; i++) assert.equal((await create('quinn', `f${i}.txt`, 'text/plain', MAX_BYTES)).status, 200);
      const refused = await create('quinn', 'one-more.txt', 'text/plain', 10);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'attachment_quota_exceeded');
      assert.equal((await create('rex', 'other-user.txt', 'text/plain', 10)).status, 200);
    });

    test('the direct upload takes multipart "file" with the bearer and answers the attachment; without it, 401', async () => {
      const url = `${h.url}/api/chatkit/attachments/direct`;
      const res = await postMultipart(url, TEXT, 'notes.txt', 'text/plain', { authorization: `Bearer ${await h.tokenFor('lee')}` });
      assert.equal(res.status, 200);
      const attachment = await res.json();
      assert.deepEqual(Object.keys(attachment), ['id', 'name', 'mime_type', 'type']);
      assert.equal(attachment.name, 'notes.txt');
      assert.equal((await h.call('lee', message('read this', [attachment.id]))).status, 200);
      assert.equal((await postMultipart(url, TEXT, 'notes.txt', 'text/plain')).status, 401);
      const tooBig = await postMultipart(url, Buffer.alloc(MAX_BYTES + 10, 0x61), 'big.txt', 'text/plain', {
        authorization: `Bearer ${await h.tokenFor('lee')}`,
      });
      assert.equal(tooBig.status, 413);
    });
  });
}

describe('attachments and the Chat Completions API', () => {
  let h: Harness;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ckw-attachments-cc-'));
    h = await startBackend({ api: 'chat_completions', attachments: { config: {}, storage: await openAttachmentStorage({ kind: 'disk' }, dataDir) } });
  });
  after(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const uploaded = async (name: string, mimeType: string, bytes: Buffer) => {
    const created = await h.call('mo', { type: 'attachments.create', params: { name, size: bytes.length, mime_type: mimeType } });
    const url = created.body.upload_descriptor.url.replace(HARNESS_PUBLIC_URL, h.url);
    assert.equal((await fetch(url, { method: 'PUT', body: new Uint8Array(bytes) })).status, 200);
    return created.body.id as string;
  };
  const send = (ids: string[]) => h.call('mo', { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'hi' }], attachments: ids, inference_options: {} } } });

  test('a PDF gets a clear error event before any model call, and nothing is stored', async () => {
    const before = h.mock.requests.length;
    const reply = await send([await uploaded('r.pdf', 'application/pdf', PDF)]);
    assert.equal(reply.status, 200);
    const error = reply.events.find((event) => event.type === 'error') as any;
    assert.match(error.message, /Chat Completions.*r\.pdf/);
    assert.equal(h.mock.requests.length, before);
    assert.deepEqual((await h.call('mo', { type: 'threads.list', params: {} })).body.data, []);
  });

  test('an image goes as an image_url part and a text file as text', async () => {
    const reply = await send([await uploaded('cat.png', 'image/png', PNG), await uploaded('notes.txt', 'text/plain', TEXT)]);
    assert.equal(reply.status, 200, reply.text);
    const body = h.mock.requests.at(-1)!.body as any;
    const user = body.messages.find((entry: any) => entry.role === 'user');
    assert.deepEqual(user.content.map((part: any) => part.type), ['text', 'image_url', 'text']);
    assert.deepEqual(filesSent(body)[0]!.bytes, PNG);
    assert.match(user.content[2].text, /notes\.txt[\s\S]*Grüße aus dem Text/);
  });
});

describe('attachments are off unless configured', () => {
  test('attachments.create answers 501 attachments_not_supported', async () => {
    const h = await startBackend();
    try {
      const res = await h.call('ned', { type: 'attachments.create', params: { name: 'a.png', size: 10, mime_type: 'image/png' } });
      assert.equal(res.status, 501);
      assert.equal(res.body.error.code, 'attachments_not_supported');
    } finally {
      await h.close();
    }
  });
});
