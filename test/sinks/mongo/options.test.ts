// The mongo sink's URI: the connection string as kube-eventer takes it, this sink's options taken out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMongoOptions } from '../../../src/sinks/mongo/options.js';
import { sinkUri } from '../data/helpers.js';

test('the connection string is everything after "?"; database, collection and lane options are taken out of it', () => {
  const uri = sinkUri('mongo:?mongodb://u:p%40ss@h1:27017,h2:27017/admin?replicaSet=rs0&database=kube&collection=events&batch_size=10&authSource=admin');
  assert.deepEqual(parseMongoOptions(uri), { connectionString: 'mongodb://u:p%40ss@h1:27017,h2:27017/admin?replicaSet=rs0&authSource=admin', database: 'kube', collection: 'events' });
  assert.deepEqual(parseMongoOptions(sinkUri('mongo:?mongodb://h')), { connectionString: 'mongodb://h', database: 'k8s', collection: 'event' });
});
