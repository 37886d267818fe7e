#!/bin/sh
# Makes the secrets compose.yaml reads, in docker/secrets (ignored by git; or the folder given): a database password, a
# self-signed HTTPS certificate for localhost, and for MLLP a server certificate and a senders' CA
# with one sender's certificate (sender.pem, sender-key.pem) to try it with. For a real deployment put
# your own certificates there instead.
set -eu
secrets=${1:-$(dirname "$0")/secrets}
mkdir -p "$secrets"
umask 077
cd "$secrets"
[ -f db-password ] || openssl rand -base64 32 | tr -d '\n' >db-password
self_signed() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 398 -subj "/CN=$1" \
		-addext "subjectAltName=DNS:localhost,DNS:openimd,IP:127.0.0.1" -keyout "$2" -out "$3" 2>/dev/null
}
self_signed localhost web-private-key.pem web-certificate.pem
self_signed openimd-mllp mllp-private-key.pem mllp-certificate.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 398 -subj "/CN=OpenIMD MLLP senders" \
	-keyout mllp-senders-ca-key.pem -out mllp-senders-ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=example sender" -keyout sender-key.pem -out sender.csr 2>/dev/null
openssl x509 -req -in sender.csr -CA mllp-senders-ca.pem -CAkey mllp-senders-ca-key.pem -CAcreateserial -days 398 -out sender.pem 2>/dev/null
rm -f sender.csr mllp-senders-ca.srl
echo "secrets in $(pwd)"
