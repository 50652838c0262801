#!/usr/bin/env bash
# Creates the local keys and certificates under $ZP_RUN_DIR (once; existing files are kept):
#   jwt/private.pem, jwt/public.pem, jwt/private.pem.kid, jwt/jwks.json   token signing (ES256)
#   jwt/services/<service>.pem(.kid)  a service's own token key, for calls on its own account
#                                     (WATIQA issuing paid copies through SGEC); in jwks.json too
#   tls/ca.crt            local CA of the gateway and service certificates
#   tls/server.{crt,key}  certificate for localhost / 127.0.0.1 (gateway HTTPS, partner ports)
#   tls/partners-ca.crt   CA of the partners' client certificates
#   tls/partners/<name>.{crt,key}  one client certificate per partner (CN = tgr, barid, add)
#   documents/<service>.pem  the key a service signs its documents with (ECDSA P-256)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
zpctl=$ZP_BUILD_DIR/tools/zpctl/zpctl

jwt=$ZP_RUN_DIR/jwt
mkdir -p "$jwt"
if [ ! -f "$jwt/private.pem" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$jwt/private.pem" 2>/dev/null
  openssl pkey -in "$jwt/private.pem" -pubout -out "$jwt/public.pem"
  echo "dev-$(date +%Y%m%d)-$(openssl rand -hex 3)" >"$jwt/private.pem.kid"
  chmod 600 "$jwt/private.pem"
fi
mkdir -p "$jwt/services"
jwks_keys=("$(cat "$jwt/private.pem.kid")=$jwt/public.pem")
for service in watiqa; do
  key=$jwt/services/$service.pem
  if [ ! -f "$key" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key" 2>/dev/null
    chmod 600 "$key"
    echo "$service-$(date +%Y%m%d)-$(openssl rand -hex 3)" >"$key.kid"
    rm -f "$jwt/jwks.json"
  fi
  openssl pkey -in "$key" -pubout -out "$jwt/services/$service.pub.pem"
  jwks_keys+=("$(cat "$key.kid")=$jwt/services/$service.pub.pem=$service")
done
# A JWKS written before service keys were marked as such is written again.
if [ ! -f "$jwt/jwks.json" ] || ! grep -q '"zp_service"' "$jwt/jwks.json"; then
  "$zpctl" jwks "${jwks_keys[@]}" >"$jwt/jwks.json"
fi

tls=$ZP_RUN_DIR/tls
mkdir -p "$tls/partners"
new_ca() {  # new_ca NAME SUBJECT
  [ -f "$tls/$1.crt" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "$2" -keyout "$tls/$1.key" -out "$tls/$1.crt" 2>/dev/null
}
new_cert() {  # new_cert CA OUT CN EXTENSIONS
  [ -f "$2.crt" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=zeropapier local/CN=$3" \
    -keyout "$2.key" -out "$2.csr" 2>/dev/null
  printf '%s\n' "$4" >"$2.ext"
  openssl x509 -req -in "$2.csr" -CA "$tls/$1.crt" -CAkey "$tls/$1.key" -CAcreateserial \
    -days 825 -extfile "$2.ext" -out "$2.crt" 2>/dev/null
  rm -f "$2.csr" "$2.ext"
  chmod 600 "$2.key"
}
new_ca ca "/O=zeropapier local/CN=zeropapier local CA"
new_ca partners-ca "/O=zeropapier local/CN=zeropapier partners CA"
new_cert ca "$tls/server" localhost \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
for partner in tgr barid add; do
  new_cert partners-ca "$tls/partners/$partner" "$partner" "extendedKeyUsage=clientAuth"
done
# Document signing keys (ECDSA P-256), one per service that issues signed documents.
documents=$ZP_RUN_DIR/documents
mkdir -p "$documents"
for service in sgec; do
  if [ ! -f "$documents/$service.pem" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$documents/$service.pem" 2>/dev/null
    chmod 600 "$documents/$service.pem"
  fi
done
say "secrets: keys and certificates in $ZP_RUN_DIR (jwt/, tls/, documents/)"
