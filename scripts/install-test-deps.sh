#!/usr/bin/env bash
# Installs and builds what the test suite needs. Idempotent; quiet when everything is present.
# - Go (>= 1.24): the text/template oracle and the real kube-apiserver + etcd are built from the Go module proxy; the URI and filter oracles with Go 1.25.3, kube-eventer's (the go command fetches it).
# - openssl: TLS tests make their certificates at run time.
# - podman + runc + mmdebstrap: the product image is built and run (test/fixtures/image).
# - promtool: the chart's alert rules are checked and unit-tested (test/fixtures/promtool).
# - chromium: the status page is driven headless (test/fixtures/chromium).
# - helm: built from the Go module proxy to render the chart (test/fixtures/helm).
# - Java (>= 17) and Maven: the Kafka broker fixture (test/fixtures/kafka).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v java >/dev/null || need+=(default-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

bash test/fixtures/image/install.sh
bash test/fixtures/promtool/install.sh
bash test/fixtures/chromium/install.sh

if ! command -v go >/dev/null; then
  echo "Go is required (>= 1.24) to build the test oracle and the kube-apiserver fixture; it is not on PATH" >&2
  exit 1
fi

echo "== Go event oracle (event JSON and the sls, eventbridge, kafka, mysql, elasticsearch payloads are checked against Go)"
bash test/fixtures/event-json-oracle/build.sh >/dev/null
echo "== Go URI and command-line oracle (--sink/--source values, flags and option values are checked against Go 1.25.3)"
bash test/fixtures/uri-oracle/build.sh >/dev/null
echo "== Go filter oracle (the sinks' event filters are checked against Go's regexp and net/url)"
bash test/fixtures/filter-oracle/build.sh >/dev/null

# The real control plane takes minutes to build cold; build it once here, not inside a test's timeout.
echo "== control plane (kube-apiserver + etcd) for the e2e tests"
bash test/fixtures/control-plane/build.sh >/dev/null

echo "== helm (for the chart tests)"
bash test/fixtures/helm/build.sh >/dev/null

# The image build (base image from Debian + npm, then the Dockerfile) takes minutes cold; skipped when
# nothing it reads changed.
echo "== container image (Dockerfile) for the image tests"
bash test/fixtures/image/build.sh >/dev/null

# Data-sink servers: InfluxDB 1.x from Debian; FerretDB (MongoDB wire protocol, SQLite backend) from the Go
# module proxy. Elasticsearch/OpenSearch cannot run here: their tests use test/fixtures/elasticsearch.
bash test/fixtures/influxdb/install.sh
echo "== FerretDB (MongoDB wire protocol) for the mongo sink's tests"
bash test/fixtures/mongo/build.sh >/dev/null
# Data sinks' real servers (issue 10): Apache Kafka 3.9 and 4.x jars (Maven Central), MariaDB (Debian).
bash test/fixtures/kafka/install.sh
bash test/fixtures/mariadb/install.sh
