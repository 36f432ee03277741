'use strict';
// The corrected server: every fix of app.js FIXES.
require('./app').serve(require('./app').FIXES);
