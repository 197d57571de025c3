// Preload (`node --require ./tests/e2e/loopback.cjs ...`): a server that listens without naming a
// host listens on 127.0.0.1 instead of on every interface. The Agents Playground calls
// `listen(port)`, which would otherwise expose it (and the bot behind it) to the network.
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, backlog][, callback]): put the host in second place.
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK);
  } else if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen({port, host?, path?, handle?, fd?}): a pipe or an inherited handle has no host.
    const named = 'path' in first || 'handle' in first || 'fd' in first || '_handle' in first;
    if (!named && first.host === undefined) args[0] = { ...first, host: LOOPBACK };
  } else if (first === undefined || typeof first === 'function') {
    // listen() or listen(callback): a random port.
    args.unshift(0, LOOPBACK);
  }
  return listen.apply(this, args);
};
