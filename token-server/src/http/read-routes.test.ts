import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express, { Router } from 'express';
import { readOnlyRoutes } from './read-routes.js';

describe('readOnlyRoutes', () => {
  let url: string;
  let close: () => void;
  const entered: string[] = [];
  before(async () => {
    const pages = Router();
    pages.use((req, _res, next) => {
      entered.push(req.method);
      next();
    });
    pages.get('/page', (_req, res) => {
      res.send('page');
    });
    const app = express();
    app.use(readOnlyRoutes(pages));
    app.use((req, res) => {
      res.status(404).send(`fallback ${req.method}`);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  test('GET and HEAD reach the routes; OPTIONS is answered with what the path allows', async () => {
    assert.equal(await (await fetch(`${url}/page`)).text(), 'page');
    assert.equal((await fetch(`${url}/page`, { method: 'HEAD' })).status, 200);
    const options = await fetch(`${url}/page`, { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.equal(options.headers.get('allow'), 'GET, HEAD');
    assert.deepEqual(entered.splice(0), ['GET', 'HEAD', 'OPTIONS']);
  });

  test('other methods pass by without entering the routers', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(`${url}/page`, { method });
      assert.equal(res.status, 404);
      assert.equal(await res.text(), `fallback ${method}`);
    }
    assert.deepEqual(entered, []);
  });
});
