'use strict';
// POST /public/v1/issues on express 5 + express-openapi-validator (Ajv 2020-12), written from the
// documentation page and openapi.yaml alone. `createApp(token, fixes)` builds the first version
// (no fixes) or the corrected one (every fix in FIXES); each fix is one lesson of the contract
// suite, named after the rules it made pass (see README.md).

const crypto = require('node:crypto');
const path = require('node:path');
const express = require('express');
const OpenApiValidator = require('express-openapi-validator');

const SPEC = path.resolve(__dirname, '..', '..', 'openapi.yaml');
const BASE_PATH = '/public/v1';
const BODY_LIMIT = '1mb';

const FIXES = Object.freeze({
  // check-order: express.json() parsed the body before the security handler ran, so a body that
  // is not JSON got 400 even without a token. The token is now checked first.
  tokenBeforeBody: true,
  // Ajv reports `not`, `anyOf` and `if` failures of the conditional rules at the body's root, so
  // the 422 `errors` key named no field. Root errors are now keyed by the field they are about.
  conditionalErrorsNamed: true,
  // json-grammar: body-parser decodes with iconv-lite, which turns bytes that are not UTF-8 into
  // U+FFFD instead of refusing them (RFC 8259 section 8.1: JSON text MUST be UTF-8).
  strictUtf8: true,
});

function unauthenticated(res) {
  res.status(401).json({ message: 'Unauthenticated.' });
}

function bearerIsValid(req, token) {
  return req.headers.authorization === `Bearer ${token}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function verifyUtf8(req, res, buf) {
  try {
    utf8.decode(buf);
  } catch {
    const error = new Error('The body is not UTF-8.');
    error.status = 400;
    error.type = 'encoding.not.utf8';
    throw error;
  }
}

// The field a root-level Ajv error is about: the `if`/`then` wrapper repeats what its `then`
// said, `not: {required: [issueFacets]}` is about issueFacets, and the two-targets `anyOf` is
// counted on propertyIds (x-rules says field: propertyIds).
function rootField(error) {
  const code = String(error.errorCode || '');
  if (code.startsWith('if.')) return null;
  if (code.startsWith('not.')) return 'issueFacets';
  if (code.startsWith('anyOf.')) return 'propertyIds';
  return null;
}

function errorKey(error, req, fixes) {
  const where = String(error.path || '').replace(/^\/body\/?/, '').replace(/^\.body\.?/, '');
  const key = where.split('/').filter(Boolean).join('.');
  if (key || !fixes.conditionalErrorsNamed) return key;
  return rootField(error);
}

function validationError(err, req, res, fixes) {
  const errors = {};
  for (const error of err.errors || []) {
    const key = errorKey(error, req, fixes);
    if (key === null) continue;
    (errors[key] ||= []).push(error.message);
  }
  const first = Object.values(errors)[0];
  res.status(422).json({ message: first ? first[0] : 'The given data was invalid.', errors });
}

function createApp(token, fixes = FIXES) {
  const app = express();
  app.disable('x-powered-by');
  if (fixes.tokenBeforeBody) {
    app.use(`${BASE_PATH}/issues`, (req, res, next) => {
      if (req.method !== 'POST' || bearerIsValid(req, token)) return next();
      return unauthenticated(res);
    });
  }
  app.use(express.json({ limit: BODY_LIMIT, verify: fixes.strictUtf8 ? verifyUtf8 : undefined }));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: SPEC,
      validateRequests: { allErrors: true },
      validateResponses: false,
      validateSecurity: { handlers: { BearerAuth: (req) => bearerIsValid(req, token) } },
    }),
  );
  app.post(`${BASE_PATH}/issues`, (req, res) => {
    res.status(201).json({ createdAt: new Date().toISOString(), reportId: crypto.randomUUID() });
  });
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    const status = err.status || err.statusCode || 500;
    if (status === 401) return unauthenticated(res);
    if (status === 405) {
      res.set('Allow', 'POST');
      return res.status(405).json({ message: 'Method not allowed.' });
    }
    if (status === 400 && Array.isArray(err.errors) && !err.type) {
      return validationError(err, req, res, fixes);
    }
    if (status >= 500) console.error(err);
    return res.status(status).json({ message: status >= 500 ? 'Server error.' : err.message });
  });
  return app;
}

// Serve on 127.0.0.1, an ephemeral port, accepting the token in IMMOTEUR_TOKEN; print
// "listening PORT" once ready. With EXIT_WHEN_STDIN_CLOSES=1, exit when standard input closes
// (the process that started the server is gone, even if it was killed).
function serve(fixes) {
  const token = process.env.IMMOTEUR_TOKEN;
  if (!token) {
    console.error('IMMOTEUR_TOKEN is not set');
    process.exit(2);
  }
  if (process.env.EXIT_WHEN_STDIN_CLOSES === '1') {
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  }
  const server = createApp(token, fixes).listen(0, '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
  });
}

module.exports = { FIXES, createApp, serve };
