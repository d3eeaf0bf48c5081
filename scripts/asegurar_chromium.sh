#!/usr/bin/env bash
# Comprueba que hay un Chromium que funciona para las pruebas del libro en el navegador
# (tests/test_navegador.py). Si falta y se ejecuta como administrador en Debian/Ubuntu,
# instala el paquete «chromium»; si no, explica qué instalar y termina con error, para
# que `make test` falle en lugar de saltarse esas pruebas.
set -euo pipefail

CHROMIUM="${CHROMIUM_RUTA:-/usr/bin/chromium}"

funciona() {
  [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1
}

if funciona; then
  exit 0
fi

if [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Instalando Chromium (paquete «chromium» de Debian) para las pruebas del libro en el navegador…"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null && funciona; then
    echo "Chromium instalado: $("$CHROMIUM" --version 2>/dev/null)"
    exit 0
  fi
  echo "No se pudo instalar Chromium con apt-get (¿hay conexión y repositorios de Debian?)." >&2
  echo "Instálalo a mano con:  apt-get install chromium" >&2
  exit 1
fi

if [ -e "$CHROMIUM" ]; then
  echo "Chromium está en $CHROMIUM pero no arranca («$CHROMIUM --version» falla)." >&2
  echo "Reinstálalo con:  sudo apt-get install --reinstall chromium" >&2
else
  echo "Falta Chromium ($CHROMIUM), necesario para las pruebas del libro en el navegador." >&2
  echo "Instálalo como administrador con:  sudo apt-get install chromium" >&2
  echo "(o ejecuta «make test» como administrador, que lo instala; o indica otra ruta en CHROMIUM_RUTA)." >&2
fi
exit 1
