#!/usr/bin/env bash
# Instala las herramientas de Node de las pruebas (axe-core, fijado en package-lock.json) en
# node_modules/ con `npm ci`. Si falta npm y se ejecuta como administrador en Debian/Ubuntu,
# instala antes los paquetes «nodejs» y «npm»; si no, explica qué instalar y termina con error.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Instalando Node.js y npm (paquetes de Debian) para las pruebas de accesibilidad…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || {
      echo "No se pudo instalar npm con apt-get. Instálalo a mano con:  apt-get install nodejs npm" >&2
      exit 1
    }
  else
    echo "Falta npm, necesario para instalar axe-core (pruebas de accesibilidad del libro)." >&2
    echo "Instálalo como administrador con:  sudo apt-get install nodejs npm" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund --loglevel=error
test -f node_modules/axe-core/axe.min.js || {
  echo "npm ci terminó pero falta node_modules/axe-core/axe.min.js." >&2
  exit 1
}
