"""Escribe la edición pública del curso (``make publicar``).

La edición pública es un árbol completo y autónomo que el profesor sube como repositorio
público y desde el que se construye el libro publicado: capítulos, cuadernos del estudiante
de los talleres publicados, el paquete ``herramientas`` y lo necesario para construir y
lanzar el libro. No lleva ``solutions/``, ``autograder/``, pruebas ocultas, cuadernos del
profesor ni gradebook. Se escribe primero en una carpeta temporal y solo sustituye a la
anterior si todas las comprobaciones pasan (la carpeta ``.git`` de destino se conserva).
"""
import json
import re
import shutil
import string
import tempfile
from pathlib import Path

import yaml

from _ext.talleres_sphinx import org_repo
from solutions.talleres import TALLERES

from . import calendario, sustitucion

RAIZ = Path(__file__).resolve().parents[1]
PLANTILLAS = Path(__file__).parent / "plantillas"

#: Lo que se copia tal cual del repositorio del profesor.
COPIAS = ("book", "_ext", "_templates", "herramientas", "_toc.yml", "constraints.txt")
#: Paquetes que necesitan los capítulos y los talleres (requirements.txt público).
PAQUETES_DE_EJECUCION = ("numpy", "matplotlib", "scikit-learn", "jupytext")
#: Herramientas solo del profesor: no van a requirements-libro.txt.
PAQUETES_DEL_PROFESOR = ("nbgrader", "nbval", "pytest", "playwright", "openpyxl", "dask", "distributed", "pypdf")
#: Textos que delatan material del profesor; ninguno puede aparecer en la edición pública.
PROHIBIDO = ("solutions", "autograder", "verificacion", "gradebook", "BEGIN SOLUTION", "END SOLUTION",
             "BEGIN HIDDEN TESTS", "verificar(")
#: Lo que no se copia nunca; la guía del profesor (book/guia-profesor/) tiene respuestas modelo.
IGNORAR = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc", "_build", "guia-profesor")


class ErrorDePublicacion(Exception):
    """La edición pública no se puede escribir (o contendría material del profesor)."""


def _nombre_paquete(linea):
    return re.split(r"[=<>!~\[ ;]", linea.strip(), maxsplit=1)[0].lower()


def _requisitos():
    """(requirements.txt, requirements-libro.txt) públicos, con las versiones fijadas del profesor."""
    lineas = [l.strip() for l in (RAIZ / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if l.strip() and not l.lstrip().startswith("#")]
    ejecucion = [l for l in lineas if _nombre_paquete(l) in PAQUETES_DE_EJECUCION]
    libro = [l for l in lineas if _nombre_paquete(l) not in PAQUETES_DE_EJECUCION
             and not _nombre_paquete(l).startswith(PAQUETES_DEL_PROFESOR)]
    requisitos = ("# Lo que necesitan los capítulos y los talleres (Binder lo instala al abrirlos).\n"
                  + "\n".join(ejecucion)
                  + "\n# Paquete de ayuda de los capítulos (carpeta herramientas/).\n-e .\n")
    requisitos_libro = ("# Lo que necesita además la construcción del libro (`make book`).\n"
                        "-r requirements.txt\n" + "\n".join(libro) + "\n")
    return requisitos, requisitos_libro


def _config_publica(avisos):
    """_config.yml del profesor adaptado a la edición pública (conserva los comentarios)."""
    texto = (RAIZ / "_config.yml").read_text(encoding="utf-8")
    # Fuera de exclude_patterns las carpetas que la edición pública no tiene.
    texto = "".join(l for l in texto.splitlines(keepends=True)
                    if not re.match(r"\s+- (exercises|solutions|autograder|tests|_publico|\.pytest_cache)/", l))
    texto = texto.replace("# Carpetas que Sphinx no debe leer: los cuadernos de los talleres y las soluciones\n"
                          "# no forman parte del libro (y el libro nunca debe mostrar las soluciones).",
                          "# Carpetas que Sphinx no debe leer: los cuadernos de los talleres y las herramientas\n"
                          "# no son páginas del libro.")
    linea = re.search(r"^(\s+)curso_edicion: profesor.*$", texto, flags=re.M)
    if not linea:
        raise ErrorDePublicacion("_config.yml no tiene la clave sphinx.config.curso_edicion.")
    sangria = linea.group(1)
    texto = texto.replace(
        linea.group(0),
        f"{sangria}curso_edicion: publica  # edición pública: solo los talleres publicados, en talleres/\n"
        f"{sangria}curso_avisos: {json.dumps(avisos, ensure_ascii=False)}  "
        "# cuándo llegan los talleres aún no publicados (lo escribe `make publicar` desde el calendario)")
    yaml.safe_load(texto)  # que siga siendo YAML válido
    return texto


def _variables():
    config = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    org, _, repo = org_repo(url).partition("/")
    paginas = f"https://{org.lower()}.github.io/{repo}/" if org else "(la dirección de tu sitio web)"
    return {"titulo": config["title"], "repositorio": url, "paginas": paginas,
            "nombre_repositorio": url.rsplit("/", 1)[-1]}


def _plantilla(nombre, variables):
    return string.Template((PLANTILLAS / nombre).read_text(encoding="utf-8")).substitute(variables)


def _escribir_arbol(destino, estados):
    for nombre in COPIAS:
        origen = RAIZ / nombre
        if origen.is_dir():
            shutil.copytree(origen, destino / nombre, ignore=IGNORAR)
        elif origen.is_file():
            shutil.copy2(origen, destino / nombre)
        else:
            raise ErrorDePublicacion(f"Falta {nombre} en el repositorio del profesor.")
    for taller, estado in estados.items():
        if estado.publicado:
            cuaderno = TALLERES[taller].cuaderno
            (destino / "talleres" / taller).mkdir(parents=True)
            shutil.copy2(RAIZ / "exercises" / taller / cuaderno, destino / "talleres" / taller / cuaderno)
    avisos = {t: e.aviso for t, e in estados.items() if not e.publicado}
    (destino / "_config.yml").write_text(_config_publica(avisos), encoding="utf-8")
    requisitos, requisitos_libro = _requisitos()
    (destino / "requirements.txt").write_text(requisitos, encoding="utf-8")
    (destino / "requirements-libro.txt").write_text(requisitos_libro, encoding="utf-8")
    variables = _variables()
    variables["talleres"] = "\n".join(
        f"- [{TALLERES[t].titulo}](talleres/{t}/{TALLERES[t].cuaderno})" if estados[t].publicado
        else f"- {TALLERES[t].titulo}: aún no publicado. {estados[t].aviso}" for t in TALLERES)
    for plantilla, salida in (("README.md", "README.md"), ("LICENCIA.md", "LICENCIA.md"),
                              ("Makefile", "Makefile"), ("pyproject.toml", "pyproject.toml"),
                              ("gitignore", ".gitignore"), ("pages.yml", ".github/workflows/pages.yml")):
        (destino / salida).parent.mkdir(parents=True, exist_ok=True)
        if plantilla.endswith(".md"):  # solo los textos llevan variables ($repositorio, …)
            (destino / salida).write_text(_plantilla(plantilla, variables), encoding="utf-8")
        else:
            shutil.copy2(PLANTILLAS / plantilla, destino / salida)


def material_del_profesor(carpeta):
    """Ficheros de texto de ``carpeta`` que contienen algo de PROHIBIDO: [(ruta, texto)]."""
    hallazgos = []
    for ruta in sorted(Path(carpeta).rglob("*")):
        if not ruta.is_file() or ".git" in ruta.relative_to(carpeta).parts:
            continue
        try:
            texto = ruta.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # imágenes y otros binarios
        for prohibido in PROHIBIDO:
            if prohibido in texto:
                hallazgos.append((str(ruta.relative_to(carpeta)), prohibido))
    return hallazgos


def exentas(estados, deps):
    """Origen -> funciones calificadas que ese cuaderno publicado puede traer resueltas.

    Solo las de un taller del que depende (``deps``: ``calendario.dependencias``) y cuyo plazo
    el calendario ya dio por cerrado (``calendario.decidir`` no publica el cuaderno antes).
    """
    return {f"talleres/{t}/{TALLERES[t].cuaderno}": sorted(f for o in deps[t] for f in TALLERES[o].funciones)
            for t, e in estados.items() if e.publicado and deps[t]}


def publicar(destino, hoy, comprobar=True, ruta_calendario=RAIZ / "calendario.yml"):
    """Escribe la edición pública en ``destino`` según el calendario en la fecha ``hoy``.

    Devuelve un resumen en español. Lanza ErrorDeCalendario o ErrorDePublicacion sin tocar
    ``destino`` si algo falla.
    """
    destino = Path(destino).resolve()
    if destino == RAIZ or RAIZ.is_relative_to(destino):
        raise ErrorDePublicacion(f"{destino} contiene el repositorio del profesor: elige otra carpeta.")
    deps = calendario.dependencias(RAIZ / "exercises")
    estados = calendario.decidir(calendario.leer(ruta_calendario), hoy, deps)
    destino.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".publico-", dir=destino.parent) as temporal:
        nuevo = Path(temporal) / "edicion"
        nuevo.mkdir()
        _escribir_arbol(nuevo, estados)
        prohibidos = material_del_profesor(nuevo)
        if prohibidos:
            raise ErrorDePublicacion("la edición pública contendría material del profesor: " + "; ".join(
                f"{ruta} («{texto}»)" for ruta, texto in prohibidos[:10]))
        if comprobar:
            filtradas = sustitucion.filtraciones(nuevo, exentas(estados, deps))
            if filtradas:
                raise ErrorDePublicacion(
                    "estas funciones de la edición pública superan las pruebas ocultas de una función "
                    "calificada y servirían como respuesta: " + "; ".join(
                        f"{f['nombre']} de {f['origen']} (como {f['calificada']})" for f in filtradas)
                    + ". Reescribe ese código (véase el README, «Publicar el curso»).")
        # Todo en orden: se sustituye el contenido anterior (salvo .git, el del repositorio público).
        destino.mkdir(exist_ok=True)
        for viejo in destino.iterdir():
            if viejo.name == ".git":
                continue
            shutil.rmtree(viejo) if viejo.is_dir() and not viejo.is_symlink() else viejo.unlink()
        for elemento in nuevo.iterdir():
            shutil.move(str(elemento), destino / elemento.name)
    ficheros = sum(1 for r in destino.rglob("*") if r.is_file() and ".git" not in r.relative_to(destino).parts)
    lineas = [f"Edición pública escrita en {destino} ({ficheros} ficheros), con el calendario del "
              f"{calendario.fecha_en_texto(hoy)}."]
    for taller, estado in estados.items():
        lineas.append(f"  {taller}: " + ("publicado" if estado.publicado else f"no publicado. {estado.aviso}"))
    lineas.append("Siguiente paso: súbela al repositorio público (README, «Publicar el curso»).")
    return "\n".join(lineas)
