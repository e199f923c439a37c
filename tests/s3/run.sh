#!/usr/bin/env bash
# The integration suite with every test's files in an S3 bucket: moto's S3 server on
# 127.0.0.1 (tests/s3/moto.sh), then `cargo test --test api` with TEST_S3_ENDPOINT set.
# Extra arguments go to cargo test (a filter, say). Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/s3/moto.sh
trap stop_moto EXIT
start_moto handoff-test
TEST_S3_ENDPOINT="$MOTO_ENDPOINT" cargo test --test api "$@"
