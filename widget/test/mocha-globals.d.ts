// The browser tests run under mocha (web-test-runner), which provides describe/it/beforeEach as globals.
/// <reference types="mocha" />
