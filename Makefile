# Órdenes del curso. Las dos principales: `make book` y `make test`.
SHELL := /bin/bash
# Sin un locale UTF-8, Sphinx y nbgrader fallan con las tildes.
export LANG := C.UTF-8
export LC_ALL := C.UTF-8
# nbgrader llama a `alembic` como subproceso: el bin/ del entorno debe estar en PATH.
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PYTHONPATH := $(CURDIR)
PYTHON_SISTEMA ?= $(shell command -v python3.11 || command -v python3)
ENTORNO := $(VENV)/.instalado
# otter-grader, solo para `make bench` (requirements-banco.txt).
BANCO := $(VENV)/.banco-instalado
# axe-core (npm) para las pruebas de accesibilidad; versión fijada en package-lock.json.
NODE := node_modules/.instalado

.PHONY: book test test-rapido entorno chromium limpiar exercises bench bench-grande publicar pdf

book: $(ENTORNO)  ## Construye el libro HTML en _build/html
	jupyter-book build . --warningiserror --keep-going
	@echo "Libro construido: abre _build/html/index.html en el navegador."
	@if grep -qE 'TU-ORGANIZACION|TU-UNIVERSIDAD' _config.yml; then \
	  echo "Aviso: _config.yml aún tiene las URL de ejemplo del repositorio o del JupyterHub;"; \
	  echo "       cámbialas antes de publicar el libro (README, «Publicar el curso»)."; fi

# Procesos de pytest-xdist en `make test`, uno por núcleo (la máquina de referencia tiene dos). Cada
# grupo de pruebas que comparte una preparación cara va entero a un proceso (tests/conftest.py, GRUPOS),
# en el orden de tests/conftest.py (PRIMEROS): --no-loadscope-reorder conserva ese orden.
TRABAJADORES ?= 2

test: $(ENTORNO) $(NODE) chromium  ## Ejecuta toda la batería de pruebas (en TRABAJADORES procesos)
	python -m pytest tests -n $(TRABAJADORES) --dist loadgroup --no-loadscope-reorder

test-rapido: $(ENTORNO)  ## Solo las pruebas unitarias (sin libro, nbgrader, navegador ni Dask)
	python -m pytest tests -m "not lenta" -q -n $(TRABAJADORES) --dist loadgroup

entorno: $(ENTORNO)  ## Crea .venv e instala las dependencias fijadas

bench: $(ENTORNO) $(BANCO)  ## Compara la velocidad del calificador con nbgrader autograde y otter-grader (40 entregas, 3 rondas)
	python -m autograder bench

publicar: $(ENTORNO)  ## Escribe en _publico/ la edición pública del último commit, lo que toca ahora (o en FECHA="AAAA-MM-DD HH:MM")
	python -m publicacion $(if $(FECHA),--fecha "$(FECHA)")

bench-grande: $(ENTORNO)  ## 1000 entregas de un taller: tiempo, entregas/s y memoria máxima del calificador
	python -m autograder bench --grande

exercises: $(ENTORNO)  ## Regenera los cuadernos de los talleres: profesor (solutions/source) y estudiante (exercises)
	python -m construccion.generar_cuadernos --estudiante

$(ENTORNO): requirements.txt constraints.txt pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON_SISTEMA) -m venv $(VENV) || { \
	  echo "No se pudo crear el entorno virtual: instala Python 3.11 con venv (apt-get install python3-venv)."; exit 1; }
	@# El pip que trae el venv de Python 3.11 (23.2) gasta casi el doble de CPU en resolver los requisitos
	@# fijados: primero se actualiza a esta versión fijada (un segundo de CPU). No a la 26, que repite en
	@# inglés los avisos de setuptools al instalar el paquete editable.
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip==25.3
	@# Los .pyc hacen falta: con PYTHONDONTWRITEBYTECODE=1, habitual en contenedores, Python no los guarda
	@# al importar y cada proceso volvería a compilar todo lo que importa. pip los compila en un solo
	@# núcleo (24 de sus 40 s de CPU); compileall, en todos a la vez: el entorno está 12 s antes en dos
	@# núcleos. Como pip, no se detiene si un fichero no compila (ese módulo se compilará al importarlo).
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt -c constraints.txt
	$(VENV)/bin/python -m compileall -qq -j 0 "$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" || true
	@# El propio curso (autograder, solutions, herramientas), editable: `dask worker`, nbgrader o python,
	@# desde el entorno y en cualquier carpeta, los importan de esta copia sin PYTHONPATH. Con el
	@# setuptools que trae el venv de Python 3.11 (sin descargar nada más ni tocar lo fijado).
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(BANCO): requirements-banco.txt constraints.txt $(ENTORNO)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-banco.txt -c constraints.txt
	touch $@

$(NODE): package.json package-lock.json
	@bash scripts/asegurar_node.sh
	touch $@

pdf: $(ENTORNO) chromium  ## Construye el libro entero en un PDF: _build/pdf/libro.pdf
	python scripts/libro_pdf.py

chromium:  ## Instala Chromium (Debian) para las pruebas del navegador si falta
	@bash scripts/asegurar_chromium.sh

limpiar:  ## Borra el libro construido y la caché de ejecución
	rm -rf _build
