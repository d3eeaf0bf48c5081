#!/usr/bin/env bash
# Comprueba que Chromium de Debian está instalado; si falta y somos root, lo instala.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Instalando Chromium (paquete «chromium» de Debian) para las pruebas del navegador…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Falta Chromium, necesario para las pruebas del libro en el navegador." >&2
echo "Instálalo como administrador con:  sudo apt-get install chromium" >&2
exit 1
