// The OpenAPI v3 formats the CRD schemas use, for ajv (support/schema.ts); int32/int64 are checked as
// ranges. Plain CommonJS: the validators support/schema.ts caches as code require this file.
'use strict';
module.exports = {
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i,
  int32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number', validate: (n) => Number.isInteger(n) },
  'int-or-string': true,
};
