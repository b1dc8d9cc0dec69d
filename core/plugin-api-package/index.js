'use strict';
// This package carries the types only. Inside Carillon, `require('@carillon/plugin-api')` is the
// host's own module (core/plugins/discovery.ts redirects it); reaching this file means the plugin
// runs outside Carillon.
throw new Error('@carillon/plugin-api is provided by Carillon at run time: load this plugin through Carillon (its test harness or a server).');
