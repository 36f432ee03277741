'use strict';
// The first version, as written before the contract suite ran: no fix of app.js FIXES.
require('./app').serve({});
