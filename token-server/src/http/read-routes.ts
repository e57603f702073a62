/**
 * Routers that answer only GET (and HEAD, which Express serves with GET routes), mounted behind one method check:
 * every other request, most of all the API's POSTs, passes by without walking their routes. OPTIONS still goes
 * in, since Express answers it (with `Allow`) for the paths those routers know.
 */
import { Router, type RequestHandler } from 'express';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readOnlyRoutes(...routers: RequestHandler[]): RequestHandler {
  const inner = Router();
  inner.use(...routers);
  return (req, res, next) => (READ_METHODS.has(req.method) ? inner(req, res, next) : next());
}
