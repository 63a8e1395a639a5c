// The kafka sink against a real Apache Kafka 3.x broker (test/fixtures/kafka, KRaft).
import { KAFKA_VERSIONS } from '../../fixtures/kafka/versions.js';
import { brokerSuite } from './broker-suite.js';

brokerSuite(KAFKA_VERSIONS[0].version);
